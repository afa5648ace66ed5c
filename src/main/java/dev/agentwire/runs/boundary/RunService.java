package dev.agentwire.runs.boundary;

import dev.agentwire.agents.Agent;
import dev.agentwire.events.EventData.AgentCompleted;
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
import java.util.Optional;
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
  @Inject RemoteRuns remote;
  @Inject RunExecutor executor;
  @Inject Instance<RunNotifier> notifiers;

  private static final Logger LOG = Logger.getLogger(RunService.class.getName());

  /** Checks and registers the run; nothing executes until {@link #launch}. */
  public Run accept(RunRequest request) throws RunRejected {
    Agent agent = agentFor(request.agent());
    if (!catalog.allows(agent.name(), request.caller().roles())) {
      throw new RunRejected(
          Reason.FORBIDDEN, "the agent " + agent.name() + " is not available to you");
    }
    boolean newThread = request.threadId() == null;
    String threadId = newThread ? threads.newThreadId() : request.threadId();
    if (!newThread) {
      threads.requireOwned(request.owner(), threadId);
    }
    Run run = registry.register(request.caller(), threadId, agent.name(), request.input());
    threads.remember(request.owner(), threadId);
    return run;
  }

  /**
   * Hands the accepted run to the executor; its events follow. If the container refuses the
   * hand-over (for example while shutting down), the run still ends, as failed, and frees its slot.
   */
  public void launch(Run run) {
    try {
      Agent agent =
          catalog
              .find(run.agent())
              .orElseThrow(() -> new IllegalStateException("agent vanished: " + run.agent()));
      executor.execute(run, agent);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "could not start run " + run.runId(), e);
      registry.release(run);
      RunNotifier notifier = notifiers.get().bind(run.owner(), run.threadId(), run.runId());
      try {
        notifier.started(run.agent(), run.input());
        notifier.completed(
            AgentCompleted.failed(
                "internal_error", "the server could not start the run; try again", 0));
      } finally {
        notifiers.destroy(notifier);
      }
    }
  }

  /**
   * Gives up a run that was accepted but will not be launched (its acceptance could not be
   * answered): frees its slot. It has no events.
   */
  public void abandon(Run run) {
    registry.release(run);
  }

  /**
   * Cancels one of the owner's runs in progress, here or on another server of a cluster; anyone
   * else's run is as unknown as a missing one. Cancelling a run that is already ending is accepted
   * again, in both cases alike: the run's {@code agent_completed} is the answer.
   */
  public void cancel(String owner, String runId) throws RunRejected {
    Optional<Run> local = registry.find(owner, runId);
    if (local.isPresent()) {
      local.get().requestCancel();
      return;
    }
    if (!remote.cancel(owner, runId)) {
      throw new RunRejected(Reason.RUN_NOT_FOUND, "no running run " + runId);
    }
  }

  private Agent agentFor(String name) throws RunRejected {
    return catalog
        .find(name)
        .orElseThrow(() -> new RunRejected(Reason.UNKNOWN_AGENT, "no agent named " + name));
  }
}
