package dev.agentwire.runs;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventType;
import dev.agentwire.sockets.UserSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second observer of agent events, deployed only with in-container tests: it records each event
 * with the number of connections its owner had when it was fired.
 */
@ApplicationScoped
public class RecordedEvents {

  /** One event as observed, with how many connections its owner had open at that moment. */
  public record Observed(AgentEvent event, int ownerConnections) {}

  @Inject UserSessions sessions;

  private final List<Observed> observed = new ArrayList<>();

  synchronized void record(@Observes AgentEvent event) {
    observed.add(new Observed(event, sessions.connections(event.owner())));
    notifyAll();
  }

  /** The run's events once its agent_completed has been fired, waiting at most {@code wait}. */
  public synchronized List<Observed> awaitCompleted(String runId, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      List<Observed> run = observed.stream().filter(o -> o.event().runId().equals(runId)).toList();
      if (run.stream().anyMatch(o -> o.event().type() == EventType.AGENT_COMPLETED)) {
        return new ArrayList<>(run);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("run " + runId + " did not complete within " + wait + ": " + run);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
