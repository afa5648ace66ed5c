package dev.agentwire.runs.control;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentFailure;
import dev.agentwire.agents.RunCancelledException;
import dev.agentwire.agents.TokenUsage;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.Usage;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.entity.Run;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives one run from {@code agent_started} to exactly one {@code agent_completed}, whatever the
 * agent does: return, fail, throw, or get cancelled.
 */
public final class AgentLoop {

  private static final Logger LOG = Logger.getLogger(AgentLoop.class.getName());

  private final ToolDispatcher dispatcher;
  private final Consumer<Run> release;

  /**
   * @param release frees the run's slot; called once, before {@code agent_completed} is reported
   */
  public AgentLoop(ToolDispatcher dispatcher, Consumer<Run> release) {
    this.dispatcher = dispatcher;
    this.release = release;
  }

  public void run(Run run, Agent agent, RunNotifier notifier) {
    long started = System.nanoTime();
    ActiveRun context = null;
    Ending ending;
    try {
      run.touch();
      notifier.started(agent.name(), run.input());
      ActiveRun active = new ActiveRun(run, notifier, dispatcher);
      context = active;
      String output = agent.run(active);
      ending =
          run.finish()
              ? ms -> AgentCompleted.succeeded(output == null ? "" : output, ms)
              : CANCELLED;
    } catch (RunCancelledException e) {
      ending = CANCELLED;
    } catch (AgentFailure e) {
      ending = run.finish() ? ms -> AgentCompleted.failed(e.code(), e.getMessage(), ms) : CANCELLED;
    } catch (Throwable e) { // every accepted run must end with agent_completed, even after an Error
      if (run.finish()) {
        LOG.log(Level.WARNING, "agent " + agent.name() + " failed in run " + run.runId(), e);
        String message = describe(e);
        ending = ms -> AgentCompleted.failed("agent_error", message, ms);
      } else {
        ending = CANCELLED;
      }
    }
    run.finish();
    String timedOut = run.timedOut();
    if (ending == CANCELLED && timedOut != null) {
      ending = ms -> AgentCompleted.failed("timeout", timedOut, ms);
    }
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    release.accept(run);
    AgentCompleted completed = ending.after(durationMs);
    TokenUsage usage = context == null ? null : context.usage();
    if (usage != null) {
      completed =
          completed.withUsage(
              new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens()));
    }
    notifier.completed(completed);
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  /** How the run ends, once its duration is known. */
  private interface Ending {
    AgentCompleted after(long durationMs);
  }

  private static final Ending CANCELLED = AgentCompleted::cancelled;
}
