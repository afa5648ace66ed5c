package dev.agentwire.runs.entity;

import dev.agentwire.agents.Caller;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One accepted run and its life: running, then either cancel-requested or done. The state decides
 * races between a user's cancel and the agent finishing: whichever claims the run first wins, so a
 * cancel is either honoured (the run ends {@code cancelled}) or refused as {@code run_not_found}.
 */
public final class Run {

  private enum State {
    RUNNING,
    CANCEL_REQUESTED,
    DONE
  }

  private final String runId;
  private final String threadId;
  private final String owner;
  private final String agent;
  private final String input;
  private final Caller caller;
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();
  private final long startedNanos = System.nanoTime();
  private volatile long activeNanos = startedNanos;
  private volatile boolean silenceReported;
  private volatile String timedOut;
  private volatile long executingNanos; // 0 until a thread executes the run
  private final AtomicBoolean waitReported = new AtomicBoolean();

  public Run(String runId, String threadId, String owner, String agent, String input) {
    this(runId, threadId, Caller.named(owner), agent, input);
  }

  public Run(String runId, String threadId, Caller caller, String agent, String input) {
    this.runId = runId;
    this.threadId = threadId;
    this.owner = caller.name();
    this.caller = caller;
    this.agent = agent;
    this.input = input;
  }

  /** Who started it. */
  public Caller caller() {
    return caller;
  }

  public String runId() {
    return runId;
  }

  public String threadId() {
    return threadId;
  }

  public String owner() {
    return owner;
  }

  public String agent() {
    return agent;
  }

  public String input() {
    return input;
  }

  /**
   * Cancels the run because it has run for too long; false when it has already finished or was
   * already cancelled. It then ends {@code failed} with code {@code timeout} and this explanation.
   */
  public boolean timeOut(String why) {
    timedOut = why;
    if (requestCancel()) {
      return true;
    }
    timedOut = null;
    return false;
  }

  /** Why the run was timed out, or null when it was not. */
  public String timedOut() {
    return timedOut;
  }

  /** Marks that the run did something (an event): it is not silent. */
  public void touch() {
    activeNanos = System.nanoTime();
    silenceReported = false;
  }

  /** How long the run has produced nothing, in nanoseconds. */
  public long silentNanos(long now) {
    return now - activeNanos;
  }

  /** How long the run has lasted, in nanoseconds. */
  public long ageNanos(long now) {
    return now - startedNanos;
  }

  /** Claims the report of the current silence; false when it was already reported. */
  public boolean reportSilence() {
    if (silenceReported) {
      return false;
    }
    silenceReported = true;
    return true;
  }

  /**
   * Marks that a thread has started executing the run.
   *
   * @return how long the run waited for that thread since it was accepted, in nanoseconds
   */
  public long executing() {
    long now = System.nanoTime();
    executingNanos = now;
    return now - startedNanos;
  }

  /** Whether a thread has started executing the run. */
  public boolean isExecuting() {
    return executingNanos != 0;
  }

  /** Claims the report of the run's wait for a thread; false when it was already reported. */
  public boolean reportWait() {
    return waitReported.compareAndSet(false, true);
  }

  /** Requests cancellation; false when the run has already finished or was already cancelled. */
  public boolean requestCancel() {
    boolean requested = state.compareAndSet(State.RUNNING, State.CANCEL_REQUESTED);
    if (requested) {
      cancellation.complete(null);
    }
    return requested;
  }

  public boolean isCancelled() {
    return state.get() == State.CANCEL_REQUESTED;
  }

  /** Completes when cancellation is requested; waiters use it to stop waiting at once. */
  public CompletableFuture<Void> cancellation() {
    return cancellation;
  }

  /** Claims the run's end for the agent; false when a cancel got there first. */
  public boolean finish() {
    return state.compareAndSet(State.RUNNING, State.DONE);
  }
}
