package dev.agentwire.runs.boundary;

import dev.agentwire.agents.Agent;
import dev.agentwire.runs.control.AgentCatalog;
import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.runs.control.ThreadRegistry;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.runs.entity.RunRejected;
import dev.agentwire.runs.entity.RunRejected.Reason;
import dev.agentwire.runs.entity.RunRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Starts and cancels runs on behalf of an authenticated user. Starting is two steps so that the
 * caller can acknowledge the run before its first event can exist.
 */
@ApplicationScoped
public class RunService {

  @Inject AgentCatalog catalog;
  @Inject ThreadRegistry threads;
  @Inject RunRegistry registry;
  @Inject RunExecutor executor;

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

  /** Hands the accepted run to the executor; its events follow. */
  public void launch(Run run) {
    Agent agent =
        catalog
            .find(run.agent())
            .orElseThrow(() -> new IllegalStateException("agent vanished: " + run.agent()));
    executor.execute(run, agent);
  }

  /** Cancels one of the owner's running runs; anyone else's run is as unknown as a missing one. */
  public void cancel(String owner, String runId) throws RunRejected {
    boolean cancelled = registry.find(owner, runId).map(Run::requestCancel).orElse(false);
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
