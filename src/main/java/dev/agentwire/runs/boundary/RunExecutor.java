package dev.agentwire.runs.boundary;

import dev.agentwire.agents.Agent;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.control.AgentLoop;
import dev.agentwire.runs.control.PoolWaits;
import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.runs.control.ToolDispatcher;
import dev.agentwire.runs.entity.Run;
import jakarta.ejb.AsyncResult;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Executes runs on the container's EJB asynchronous threads, each with its own notifier bound to
 * the run's owner, thread and run. Runs last seconds to minutes: they must not hold a container
 * transaction (an agent that needs one starts its own, for example through a {@code @Transactional}
 * bean).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RunExecutor {

  @Inject Instance<RunNotifier> notifiers;
  @Inject ToolDispatcher dispatcher;
  @Inject RunRegistry registry;
  @Inject PoolWaits waits;

  /** Completes on one of the threads runs execute on: the readiness check's probe. */
  @Asynchronous
  public Future<Boolean> probe() {
    return new AsyncResult<>(true);
  }

  @Asynchronous
  public void execute(Run run, Agent agent) {
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(run.executing());
    if (waitedMs > waits.warnMs() && run.reportWait()) {
      waits.waited(PoolWaits.Pool.RUNS, "agent '" + run.agent() + "'", run.runId(), waitedMs);
    }
    RunNotifier notifier = notifiers.get().bind(run.owner(), run.threadId(), run.runId());
    try {
      new AgentLoop(dispatcher, registry::release).run(run, agent, notifier);
    } finally {
      notifiers.destroy(notifier);
    }
  }
}
