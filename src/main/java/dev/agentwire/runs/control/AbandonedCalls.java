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

  /** How long an abandoned call may take to leave its tool before it counts as stuck. */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Calls given up on that were still in their tool after the grace period, since the start. */
  long overrunsTotal() {
    return overruns.get();
  }

  /** A call given up on before it started (it waited for a thread): it never will. */
  void dropped(String tool, String runId, String reason) {
    LOG.warning(
        () -> "tool '" + tool + "' of run " + runId + " abandoned before it started: " + reason);
  }

  /**
   * A call given up on while its thread is in the tool, which was interrupted. Most tools leave at
   * once; one still there after {@link #GRACE_NANOS} is {@link #stuck}.
   */
  void overrunning(String tool, String runId, String reason) {
    int now = overrunning.incrementAndGet();
    LOG.fine(
        () ->
            "tool '"
                + tool
                + "' of run "
                + runId
                + " abandoned while its thread runs it ("
                + reason
                + "); overrunning calls: "
                + now);
  }

  /** An abandoned call still in its tool a grace period later: it ignores interrupts. */
  void stuck(String tool, String runId, String reason) {
    overruns.incrementAndGet();
    LOG.warning(
        () ->
            "tool '"
                + tool
                + "' of run "
                + runId
                + " still runs "
                + TimeUnit.NANOSECONDS.toMillis(GRACE_NANOS)
                + " ms after it was abandoned ("
                + reason
                + "): it ignores interrupts and holds a thread; overrunning calls: "
                + overrunning.get());
  }

  /** An abandoned call left its tool; {@code wasStuck} when {@link #stuck} reported it. */
  void ended(String tool, String runId, long overranNanos, Throwable failure, boolean wasStuck) {
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
        wasStuck ? Level.WARNING : Level.FINE,
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
