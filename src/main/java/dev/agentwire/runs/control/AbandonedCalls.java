package dev.agentwire.runs.control;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts and logs the tool calls the dispatcher gave up on (time limit, cancelled run): a thread
 * that stays in a tool after that is capacity the server no longer sees, so it must not go unseen.
 */
final class AbandonedCalls {

  private static final Logger LOG = Logger.getLogger(AbandonedCalls.class.getName());

  private final AtomicInteger overrunning = new AtomicInteger();
  private final AtomicLong overruns = new AtomicLong();

  /** Calls given up on whose thread is still in the tool. */
  int overrunning() {
    return overrunning.get();
  }

  /** Calls given up on while their thread was in the tool, since the start. */
  long overrunsTotal() {
    return overruns.get();
  }

  void dropped(String tool, String runId, String reason) {
    LOG.warning(
        () -> "tool '" + tool + "' of run " + runId + " abandoned before it started: " + reason);
  }

  void overrunning(String tool, String runId, String reason) {
    int now = overrunning.incrementAndGet();
    overruns.incrementAndGet();
    LOG.warning(
        () ->
            "tool '"
                + tool
                + "' of run "
                + runId
                + " abandoned while its thread still runs it ("
                + reason
                + "); overrunning calls: "
                + now);
  }

  void ended(String tool, String runId, long overranNanos, Throwable failure) {
    int now = overrunning.decrementAndGet();
    String how =
        failure == null
            ? "returned a result nobody reads"
            : "threw " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
    Throwable unexpected =
        failure instanceof InterruptedException || failure instanceof CancellationException
            ? null
            : failure; // the answers to an interrupt need no stack trace
    LOG.log(
        Level.WARNING,
        "abandoned tool '"
            + tool
            + "' of run "
            + runId
            + " ended "
            + TimeUnit.NANOSECONDS.toMillis(overranNanos)
            + " ms after it was abandoned; it "
            + how
            + "; overrunning calls: "
            + now,
        unexpected);
  }
}
