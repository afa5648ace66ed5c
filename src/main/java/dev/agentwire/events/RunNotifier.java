package dev.agentwire.events;

import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.AgentOutputDelta;
import dev.agentwire.events.EventData.AgentStarted;
import dev.agentwire.events.EventData.AgentThinking;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventData.ToolExecuting;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The voice of one run: bound once to the run's owner, thread and run, it numbers the run's events
 * and fires them. Its API has no way to name a user, so agent and tool code cannot address anyone
 * but the run's owner; after {@code agent_completed} it stays silent.
 */
@Dependent
public class RunNotifier {

  private final Consumer<AgentEvent> sink;
  private final Clock clock;
  private String owner;
  private String threadId;
  private String runId;
  private long seq;
  private boolean completed;

  @Inject
  public RunNotifier(Event<AgentEvent> events) {
    this(events::fire, Clock.systemUTC());
  }

  public RunNotifier(Consumer<AgentEvent> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** Binds this notifier to its run; a notifier serves exactly one run. */
  public RunNotifier bind(String owner, String threadId, String runId) {
    if (this.runId != null) {
      throw new IllegalStateException("notifier is already bound to run " + this.runId);
    }
    this.owner = Objects.requireNonNull(owner);
    this.threadId = Objects.requireNonNull(threadId);
    this.runId = Objects.requireNonNull(runId);
    return this;
  }

  public void started(String agent, String input) {
    emit(EventType.AGENT_STARTED, new AgentStarted(agent, input));
  }

  public void thinking(String text) {
    emit(EventType.AGENT_THINKING, new AgentThinking(text));
  }

  public void outputDelta(String delta) {
    emit(EventType.AGENT_OUTPUT_DELTA, new AgentOutputDelta(delta));
  }

  public void toolExecuting(ToolExecuting data) {
    emit(EventType.TOOL_EXECUTING, data);
  }

  public void toolCompleted(ToolCompleted data) {
    emit(EventType.TOOL_COMPLETED, data);
  }

  public void completed(AgentCompleted data) {
    emit(EventType.AGENT_COMPLETED, data);
  }

  private synchronized void emit(EventType type, Object data) {
    if (runId == null) {
      throw new IllegalStateException("notifier is not bound to a run");
    }
    if (completed) {
      throw new IllegalStateException("run " + runId + " has already completed");
    }
    if (seq == 0 && type != EventType.AGENT_STARTED) {
      throw new IllegalStateException("a run's first event must be agent_started");
    }
    completed = type == EventType.AGENT_COMPLETED;
    seq++;
    sink.accept(new AgentEvent(owner, runId, threadId, seq, clock.instant(), type, data));
  }
}
