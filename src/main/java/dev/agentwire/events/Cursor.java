package dev.agentwire.events;

import java.util.List;

/**
 * One reader's position in its user's stream: the number of the last event it has taken. A
 * connection reads its user's events through one; nothing it has not read yet is copied for it.
 * Opened for a resume, it first serves the replay (the events up to the stream's end at opening),
 * then live events. Used by one thread at a time (the connection's writer); close it when done.
 */
public final class Cursor implements AutoCloseable {

  /**
   * Events in order, or word that some after the position are gone.
   *
   * @param live how many of the frames are live (not part of a resume's replay)
   * @param createdMillis when each was logged, for the delivery latency
   */
  public record Batch(List<String> frames, boolean expired, int live, long[] createdMillis) {
    static final Batch EXPIRED = new Batch(List.of(), true, 0, new long[0]);
  }

  private final EventStore store;
  final EventStore.Stream stream;
  private final long replayEnd;
  private final int replayed;
  private final String failure;
  private final long appendsAtOpen;
  private volatile long position;
  private long taken;
  private boolean closed;

  Cursor(
      EventStore store,
      EventStore.Stream stream,
      long position,
      long replayEnd,
      int replayed,
      String failure,
      long appendsAtOpen) {
    this.store = store;
    this.stream = stream;
    this.position = position;
    this.replayEnd = replayEnd;
    this.replayed = replayed;
    this.failure = failure;
    this.appendsAtOpen = appendsAtOpen;
  }

  /** Why the resume asked for cannot be served ({@link ResumeFailures}), or null. */
  public String failure() {
    return failure;
  }

  /** How many events the replay holds. */
  public int replayed() {
    return replayed;
  }

  /** Whether events of the replay are still to be read. */
  public boolean replaying() {
    return position < replayEnd;
  }

  long replayEnd() {
    return replayEnd;
  }

  long position() {
    return position;
  }

  void moveTo(long number) {
    position = number;
  }

  /** Counts live events taken; under the stream's lock. */
  void took(int live) {
    taken += live;
  }

  long taken() {
    return taken;
  }

  long appendsAtOpen() {
    return appendsAtOpen;
  }

  /**
   * The next events, at most {@code maxBytes} of them (always at least one when there is one);
   * during a replay, only the replay's. Expired when retention dropped events this cursor had not
   * read: it cannot go on, and its reader must say so.
   */
  public Batch next(long maxBytes) {
    return store.read(this, maxBytes);
  }

  /**
   * Whether retention dropped events this cursor had not read: it can never go on. Cheap, and safe
   * to ask from any thread, also while its reader is busy.
   */
  public boolean expired() {
    return store.expired(this);
  }

  /** What is kept that this cursor has not read, in bytes as retention counts them. */
  public long backlog() {
    return store.backlog(this);
  }

  @Override
  public void close() {
    release();
  }

  /**
   * Closes the cursor (once; later calls return 0): the live events appended while it was open that
   * it never took, each a delivery that failed for its connection.
   */
  public synchronized long release() {
    if (closed) {
      return 0;
    }
    closed = true;
    return store.release(this);
  }
}
