package dev.agentwire.events;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that each run's events come with {@code seq} 1, 2, 3, … and nothing after its {@code
 * agent_completed}: a gap means an event was lost before it was logged, which must never pass
 * unseen. Remembers only runs in progress.
 */
public final class RunSequences {

  private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

  /** Takes the event; false when its seq does not follow its run's previous one. */
  public boolean next(AgentEvent event) {
    boolean[] inOrder = {true};
    last.compute(
        event.runId(),
        (run, previous) -> {
          if (previous == null && endsAnother(event)) {
            return null; // ending a run of a lost cluster member: its earlier events were not here
          }
          long expected = previous == null ? 1 : previous + 1;
          inOrder[0] = event.seq() == expected;
          return event.type() == EventType.AGENT_COMPLETED ? null : event.seq();
        });
    return inOrder[0];
  }

  /** Closing events with a later seq: what a cluster member fires for a lost member's run. */
  private static boolean endsAnother(AgentEvent event) {
    return event.seq() > 1
        && (event.type() == EventType.AGENT_COMPLETED || event.type() == EventType.TOOL_COMPLETED);
  }
}
