package dev.agentwire.runs.control;

import dev.agentwire.agents.Tool;
import dev.agentwire.agents.ToolOutcome;
import dev.agentwire.agents.ToolStatus;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventData.ToolExecuting;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.entity.Run;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * The one path every tool call takes: it reports {@code tool_executing}, runs the tool on a managed
 * thread, waits for whichever comes first of the result, the tool's time limit and the run's
 * cancellation, and reports exactly one {@code tool_completed}. A call it gives up on is
 * interrupted, and followed until its thread leaves the tool ({@link #overrunningCalls()}).
 */
@ApplicationScoped
public class ToolDispatcher {

  static final long DEFAULT_TIMEOUT_MS = 30_000;

  @Inject @Any Instance<Tool> beans;
  @Inject Config config;
  @Resource ManagedExecutorService managedExecutor;
  @Inject PoolWaits waits;

  private final AbandonedCalls abandoned = new AbandonedCalls();
  private Map<String, Tool> tools;
  private ExecutorService executor;
  private Function<Tool, Duration> timeouts;

  public ToolDispatcher() {}

  ToolDispatcher(
      Iterable<Tool> tools, ExecutorService executor, Function<Tool, Duration> timeouts) {
    this(tools, executor, timeouts, new PoolWaits());
  }

  ToolDispatcher(
      Iterable<Tool> tools,
      ExecutorService executor,
      Function<Tool, Duration> timeouts,
      PoolWaits waits) {
    this.waits = waits;
    this.tools = index(tools);
    this.executor = executor;
    this.timeouts = timeouts;
  }

  @PostConstruct
  void init() {
    tools = index(beans);
    executor = managedExecutor;
    // Read once per tool, at its first call: a lookup per call (two property names, each through
    // every config source) was 7 % of the run threads' CPU in the mission's run on WildFly.
    Map<String, Duration> byTool = new ConcurrentHashMap<>();
    timeouts = tool -> byTool.computeIfAbsent(tool.name(), name -> configuredTimeout(tool));
  }

  private static Map<String, Tool> index(Iterable<Tool> all) {
    Map<String, Tool> byName = new HashMap<>();
    for (Tool tool : all) {
      Tool clash = byName.put(tool.name(), tool);
      if (clash != null) {
        throw new IllegalStateException(
            "two tools are named '" + tool.name() + "': " + clash + " and " + tool);
      }
    }
    return Map.copyOf(byName);
  }

  private Duration configuredTimeout(Tool tool) {
    return config
        .getOptionalValue("agentwire.tools." + tool.name() + ".timeout-ms", Long.class)
        .map(Duration::ofMillis)
        .or(tool::timeout)
        .orElseGet(
            () ->
                Duration.ofMillis(
                    config
                        .getOptionalValue("agentwire.tools.timeout-ms", Long.class)
                        .orElse(DEFAULT_TIMEOUT_MS)));
  }

  /**
   * Tool calls given up on (time limit, cancelled run) whose thread is still in the tool: an
   * interrupt does not stop a tool that ignores it. Each is logged at WARNING when given up on and
   * when it ends.
   */
  public int overrunningCalls() {
    return abandoned.overrunning();
  }

  /** Tool calls given up on while their thread was in the tool, since the server started. */
  public long overrunsTotal() {
    return abandoned.overrunsTotal();
  }

  /** Calls the tool for the run, reporting the call to the run's owner. */
  public ToolOutcome call(
      Run run, RunNotifier notifier, String callId, String toolName, JsonObject arguments) {
    notifier.toolExecuting(new ToolExecuting(callId, toolName, arguments));
    long started = System.nanoTime();
    Tool tool = tools.get(toolName);
    Ended ended;
    try {
      ended =
          tool == null ? Ended.error("unknown tool: " + toolName) : invoke(run, tool, arguments);
    } catch (RuntimeException e) { // e.g. a malformed time limit in configuration
      ended = Ended.error(describe(e));
    }
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    ToolOutcome outcome = new ToolOutcome(ended.status, ended.result, ended.error, durationMs);
    notifier.toolCompleted(
        new ToolCompleted(
            callId, toolName, ended.status.wireName(), ended.result, ended.error, durationMs));
    return outcome;
  }

  /**
   * Runs the call. Its time limit counts from when a thread starts the tool, not from when it was
   * submitted: a tool that waited for a thread keeps all of its time. The wait itself is bounded by
   * the same limit, and one longer than {@link PoolWaits#warnMs} is reported.
   */
  private Ended invoke(Run run, Tool tool, JsonObject arguments) {
    long limitMs = timeouts.apply(tool).toMillis();
    ToolCall call = new ToolCall(tool, arguments, run.caller(), run.runId(), abandoned);
    long submitted = System.nanoTime();
    try {
      call.start(executor);
    } catch (RejectedExecutionException e) {
      return Ended.error("the server has no thread free to run this tool; try again later");
    }
    try {
      if (!awaitThread(run, tool, call, submitted, limitMs)) {
        String error = "the server had no thread free to run this tool within " + limitMs + " ms";
        call.abandon(error);
        return Ended.error(error);
      }
      long ranMs =
          call.started().isDone()
              ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startedNanos())
              : 0;
      CompletableFuture.anyOf(call.result(), run.cancellation())
          .get(Math.max(0, limitMs - ranMs), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      String error = "tool exceeded its time limit of " + limitMs + " ms";
      call.abandon(error);
      return new Ended(ToolStatus.TIMEOUT, null, error);
    } catch (ExecutionException e) {
      // The tool threw: reported from the result below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.abandon("the dispatching thread was interrupted");
      return new Ended(ToolStatus.CANCELLED, null, "interrupted");
    }
    if (call.result().isDone()) {
      try {
        return new Ended(ToolStatus.OK, call.result().join(), null);
      } catch (CompletionException | CancellationException e) {
        return Ended.error(describe(e.getCause() == null ? e : e.getCause()));
      }
    }
    String why = run.timedOut() == null ? "run cancelled" : run.timedOut();
    call.abandon(why);
    return new Ended(ToolStatus.CANCELLED, null, why);
  }

  /**
   * Waits until a thread has started the call, or the run is cancelled; false when no thread took
   * it within {@code limitMs}. A wait past {@link PoolWaits#warnMs} is reported once.
   */
  private boolean awaitThread(Run run, Tool tool, ToolCall call, long submitted, long limitMs)
      throws InterruptedException, ExecutionException {
    CompletableFuture<Object> startedOrCancelled =
        CompletableFuture.anyOf(call.started(), run.cancellation());
    long warnMs = waits.warnMs();
    if (warnMs < limitMs) {
      try {
        startedOrCancelled.get(warnMs, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        // Still queued: report it, then go on waiting for the rest of the limit.
      }
      waits.waited(
          PoolWaits.Pool.TOOLS,
          "tool '" + tool.name() + "'",
          run.runId(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted));
    }
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted);
    try {
      startedOrCancelled.get(Math.max(0, limitMs - waitedMs), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return call.started().isDone();
    }
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  private record Ended(ToolStatus status, JsonValue result, String error) {
    static Ended error(String message) {
      return new Ended(ToolStatus.ERROR, null, message);
    }
  }
}
