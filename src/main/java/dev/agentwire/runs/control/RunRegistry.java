package dev.agentwire.runs.control;

import dev.agentwire.agents.Caller;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.runs.entity.RunRejected;
import dev.agentwire.runs.entity.RunRejected.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The runs in flight, by id, with the per-user limit on concurrent runs. */
@ApplicationScoped
public class RunRegistry {

  private final int maxPerUser;
  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> activeByOwner = new ConcurrentHashMap<>();

  @Inject
  public RunRegistry(
      @ConfigProperty(name = "agentwire.runs.max-per-user", defaultValue = "5") int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  protected RunRegistry() {
    this(0);
  }

  /** Registers a new run, or refuses it when its owner already has the maximum running. */
  public Run register(Caller caller, String threadId, String agent, String input)
      throws RunRejected {
    String owner = caller.name();
    boolean[] admitted = {false};
    activeByOwner.compute(
        owner,
        (user, active) -> {
          int count = active == null ? 0 : active;
          if (count >= maxPerUser) {
            return active;
          }
          admitted[0] = true;
          return count + 1;
        });
    if (!admitted[0]) {
      throw new RunRejected(
          Reason.TOO_MANY_RUNS,
          "at most " + maxPerUser + " runs may be running at once; wait for one to complete");
    }
    Run run = new Run("r-" + UUID.randomUUID(), threadId, caller, agent, input);
    runs.put(run.runId(), run);
    return run;
  }

  /** The run with that id, if it is still running and belongs to that owner. */
  public Optional<Run> find(String owner, String runId) {
    return Optional.ofNullable(runs.get(runId)).filter(run -> run.owner().equals(owner));
  }

  /** Frees the run's slot; called once, just before its last event. */
  public void release(Run run) {
    if (runs.remove(run.runId(), run)) {
      activeByOwner.computeIfPresent(
          run.owner(), (user, active) -> active <= 1 ? null : active - 1);
    }
  }

  /** Every run in progress on this server. */
  public Collection<Run> active() {
    return runs.values();
  }

  public int running(String owner) {
    return activeByOwner.getOrDefault(owner, 0);
  }
}
