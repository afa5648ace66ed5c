package dev.agentwire.runs.control;

import dev.agentwire.agents.Caller;
import dev.agentwire.agents.Tool;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One tool call on a worker thread, which knows whether that thread is still in the tool: an
 * interrupt does not stop a tool that ignores it, so a call the dispatcher gives up on is followed
 * until its thread really leaves the tool.
 */
final class ToolCall implements Runnable {

  /**
   * The context class loader a call is submitted under. Payara's managed executor captures context
   * for every task through a {@code ServiceLoader} lookup on the submitting thread's context class
   * loader; through the web application's loader that searches every jar of the server, which was a
   * quarter of a run thread's CPU in the mission's run (docs/performance.md). The platform loader
   * answers it at once; the call itself runs under the application's loader ({@link #run}).
   */
  private static final ClassLoader SUBMIT_CONTEXT = ClassLoader.getPlatformClassLoader();

  private enum Phase {
    QUEUED,
    RUNNING,
    ENDED,
    DROPPED,
    OVERRUNNING
  }

  private final Tool tool;
  private final JsonObject arguments;
  private final Caller caller;
  private final String runId;
  private final AbandonedCalls abandoned;
  private final CompletableFuture<JsonValue> result = new CompletableFuture<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private volatile long startedNanos;
  private Future<?> task; // set and read by the dispatching thread only
  private volatile ClassLoader application; // the dispatching thread's, set before submitting
  private Phase phase = Phase.QUEUED; // guarded by this
  private long abandonedAt; // guarded by this
  private boolean stuck; // guarded by this

  ToolCall(Tool tool, JsonObject arguments, Caller caller, String runId, AbandonedCalls abandoned) {
    this.tool = tool;
    this.caller = caller;
    this.arguments = arguments;
    this.runId = runId;
    this.abandoned = abandoned;
  }

  /** Submits the call; throws {@link java.util.concurrent.RejectedExecutionException} as given. */
  void start(ExecutorService executor) {
    Thread thread = Thread.currentThread();
    application = thread.getContextClassLoader();
    thread.setContextClassLoader(SUBMIT_CONTEXT);
    try {
      task = executor.submit(this);
    } finally {
      thread.setContextClassLoader(application);
    }
  }

  /** Completes when a thread has taken the call and entered the tool. */
  CompletableFuture<Void> started() {
    return started;
  }

  /** When the tool started running ({@link System#nanoTime}); valid once {@link #started}. */
  long startedNanos() {
    return startedNanos;
  }

  /** The tool's result, or what it threw. */
  CompletableFuture<JsonValue> result() {
    return result;
  }

  @Override
  public void run() {
    if (!begin()) {
      return;
    }
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(application);
    Throwable failure = null;
    try {
      JsonValue value = tool.call(arguments, caller);
      result.complete(value == null ? JsonValue.NULL : value);
    } catch (Throwable thrown) {
      failure = thrown;
      result.completeExceptionally(thrown);
    } finally {
      thread.setContextClassLoader(before);
      end(failure);
    }
  }

  /**
   * Gives up on the call, then interrupts its thread. A call still in its tool counts as
   * overrunning until the tool returns; one not yet started never starts.
   */
  void abandon(String reason) {
    Phase before;
    synchronized (this) {
      before = phase;
      if (phase == Phase.QUEUED) {
        phase = Phase.DROPPED;
      } else if (phase == Phase.RUNNING) {
        phase = Phase.OVERRUNNING;
        abandonedAt = System.nanoTime();
      }
    }
    if (before == Phase.QUEUED) {
      abandoned.dropped(tool.name(), runId, reason);
    } else if (before == Phase.RUNNING) {
      abandoned.overrunning(tool.name(), runId, reason);
      CompletableFuture.delayedExecutor(AbandonedCalls.GRACE_NANOS, TimeUnit.NANOSECONDS)
          .execute(() -> checkStuck(reason));
    }
    task.cancel(true);
  }

  /** Reports the call if its thread is still in the tool a grace period after it was abandoned. */
  private void checkStuck(String reason) {
    synchronized (this) {
      if (phase != Phase.OVERRUNNING) {
        return;
      }
      stuck = true;
    }
    abandoned.stuck(tool.name(), runId, reason);
  }

  private boolean begin() {
    synchronized (this) {
      if (phase != Phase.QUEUED) {
        return false;
      }
      phase = Phase.RUNNING;
      startedNanos = System.nanoTime();
    }
    started.complete(null);
    return true;
  }

  private void end(Throwable failure) {
    long overranNanos;
    boolean wasStuck;
    synchronized (this) {
      boolean overran = phase == Phase.OVERRUNNING;
      phase = Phase.ENDED;
      if (!overran) {
        return;
      }
      overranNanos = System.nanoTime() - abandonedAt;
      wasStuck = stuck;
    }
    abandoned.ended(tool.name(), runId, overranNanos, failure, wasStuck);
  }
}
