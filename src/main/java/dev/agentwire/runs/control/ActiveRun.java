package dev.agentwire.runs.control;

import dev.agentwire.agents.AgentContext;
import dev.agentwire.agents.Caller;
import dev.agentwire.agents.RunCancelledException;
import dev.agentwire.agents.TokenUsage;
import dev.agentwire.agents.ToolOutcome;
import dev.agentwire.agents.ToolStatus;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.entity.Run;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link AgentContext} of one executing run; cancellation unwinds the agent at each step. */
final class ActiveRun implements AgentContext {

  private final Run run;
  private final RunNotifier notifier;
  private final ToolDispatcher dispatcher;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile TokenUsage usage;

  ActiveRun(Run run, RunNotifier notifier, ToolDispatcher dispatcher) {
    this.run = run;
    this.notifier = notifier;
    this.dispatcher = dispatcher;
  }

  @Override
  public String input() {
    return run.input();
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public String threadId() {
    return run.threadId();
  }

  @Override
  public void think(String text) {
    checkCancelled();
    run.touch();
    notifier.thinking(text);
  }

  @Override
  public void output(String delta) {
    checkCancelled();
    if (delta == null || delta.isEmpty()) {
      return;
    }
    run.touch();
    notifier.outputDelta(delta);
  }

  @Override
  public void usage(TokenUsage usage) {
    this.usage = usage;
  }

  /** What the agent reported of its token usage, or null. */
  TokenUsage usage() {
    return usage;
  }

  @Override
  public ToolOutcome callTool(String tool, JsonObject arguments) {
    checkCancelled();
    String callId = "c-" + calls.incrementAndGet();
    JsonObject args = arguments == null ? JsonValue.EMPTY_JSON_OBJECT : arguments;
    run.touch();
    ToolOutcome outcome = dispatcher.call(run, notifier, callId, tool, args);
    run.touch();
    if (outcome.status() == ToolStatus.CANCELLED) {
      throw new RunCancelledException(run.runId());
    }
    return outcome;
  }

  @Override
  public Caller caller() {
    return run.caller();
  }

  @Override
  public boolean isCancelled() {
    return run.isCancelled();
  }

  private void checkCancelled() {
    if (run.isCancelled()) {
      throw new RunCancelledException(run.runId());
    }
  }
}
