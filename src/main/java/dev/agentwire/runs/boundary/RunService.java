package dev.agentwire.runs.boundary;

import dev.agentwire.agents.Agent;
import dev.agentwire.cluster.ClusterSupport;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.Failure;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.control.AgentCatalog;
import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.runs.control.ThreadRegistry;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.runs.entity.RunRejected;
import dev.agentwire.runs.entity.RunRejected.Reason;
import dev.agentwire.runs.entity.RunRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts and cancels runs on behalf of an authenticated user. Starting is two steps so that the
 * caller can acknowledge the run before its first event can exist.
 */
@ApplicationScoped
public class RunService {

  @Inject AgentCatalog catalog;
  @Inject ThreadRegistry threads;
  @Inject RunRegistry registry;
  @Inject ClusterSupport cluster;
  @Inject RunExecutor executor;
  @Inject Instance<RunNotifier> notifiers;

  private static final Logger LOG = Logger.getLogger(RunService.class.getName());

  /** Checks and registers the run; nothing executes until {@link #launch}. */
  public Run accept(RunRequest request) throws RunRejected {
    Agent agent = agentFor(request.agent());
    boolean newThread = request.threadId() == null;
    String threadId = newThread ? threads.newThreadId() : request.threadId();
    if (!newThread) {
      threads.requireOwned(request.owner(), threadId);
    }
    Run run = registry.register(request.owner(), threadId, agent.name(), request.input());
    threads.remember(request.owner(), threadId);
    return run;
  }

  /**
   * Hands the accepted run to the executor; its events follow. If the container refuses the
   * hand-over (for example while shutting down), the run still ends, as failed, and frees its slot.
   */
  public void launch(Run run) {
    Agent agent =
        catalog
            .find(run.agent())
            .orElseThrow(() -> new IllegalStateException("agent vanished: " + run.agent()));
    try {
      executor.execute(run, agent);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "could not start run " + run.runId(), e);
      registry.release(run);
      RunNotifier notifier = notifiers.get().bind(run.owner(), run.threadId(), run.runId());
      try {
        notifier.started(agent.name(), run.input());
        notifier.completed(
            new AgentCompleted(
                "failed",
                null,
                new Failure("internal_error", "the server could not start the run; try again"),
                0));
      } finally {
        notifiers.destroy(notifier);
      }
    }
  }

  /** Cancels one of the owner's running runs; anyone else's run is as unknown as a missing one. */
  public void cancel(String owner, String runId) throws RunRejected {
    boolean cancelled =
        registry.find(owner, runId).map(Run::requestCancel).orElse(false)
            || (cluster != null && cluster.requestCancel(owner, runId));
    if (!cancelled) {
      throw new RunRejected(Reason.RUN_NOT_FOUND, "no running run " + runId);
    }
  }

  private Agent agentFor(String name) throws RunRejected {
    return catalog
        .find(name)
        .orElseThrow(() -> new RunRejected(Reason.UNKNOWN_AGENT, "no agent named " + name));
  }
}
