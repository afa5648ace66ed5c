package dev.agentwire.sockets;

import dev.agentwire.events.Cursor;
import dev.agentwire.events.Utf8;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What goes out on one connection, with a single writer: at most one frame is in flight, and what
 * is ready meanwhile leaves together as one JSON Lines frame. Two sources feed it. Events are read
 * from the user's log through the connection's {@link Cursor}: the outbox holds no copy of them, so
 * its memory does not grow however far the client falls behind. Replies to the client's own
 * messages wait in a small bounded queue.
 *
 * <p>Order: a resume's replay first (after a {@code resume_failed}, if the resume failed), then its
 * {@code resumed}, then replies and live events, replies first in each frame: a reply is queued
 * before anything it answers can have been logged, so {@code run_accepted} always precedes its
 * run's first event.
 *
 * <p>The outbox ends once: when the replies pass their bounds, when the cursor reports that events
 * it had not read are no longer kept, or when a send fails. Each has its action, run on the
 * writer's turn after the last frame was handed over.
 */
final class Outbox {

  /** Writes to the connection: one frame, or one heartbeat ping, at a time. */
  interface Transport {
    /** Sends one frame and reports its completion, with the failure if any, exactly once. */
    void send(String frame, Consumer<Throwable> done);

    /**
     * Sends a heartbeat ping, then runs {@code done} exactly once, whatever became of the ping (a
     * broken socket shows on the next frame). It may block: it should not run on the caller's
     * thread, which may be the writer every connection shares.
     */
    void ping(Runnable done);
  }

  /** What ends an outbox, each with its action. */
  interface Endings {
    /** The client stopped reading: its replies passed their bounds. */
    void overflowed();

    /** The client fell so far behind that events it had not read are gone. */
    void fellBehind();

    /** A send failed, with what it failed with. */
    void failed(Throwable failure);
  }

  /**
   * What became of the user's events on this connection: each live event it owed (logged while it
   * was open) is written or failed, exactly once; replayed ones are counted apart.
   */
  interface Deliveries {
    /** A frame reached the socket, with these events. */
    void written(int live, int replayed, long[] createdMillis);

    /** These owed events will never be written on this connection, and why. */
    void failed(String reason, long events);

    Deliveries NONE =
        new Deliveries() {
          @Override
          public void written(int live, int replayed, long[] createdMillis) {}

          @Override
          public void failed(String reason, long events) {}
        };
  }

  /** Why an outbox ended, as counted: the reasons of failed deliveries. */
  static final String CLOSED = "closed";

  static final String REPLIES_UNREAD = "replies_unread";
  static final String FELL_BEHIND = "fell_behind";
  static final String WRITE_FAILED = "write_failed";

  static final int MAX_FRAME_BYTES = 64 * 1024;
  private static final long[] NO_EVENTS = new long[0];

  private final Transport transport;
  private final int maxReplies;
  private final long maxReplyBytes;
  private final Endings endings;
  private final Deliveries deliveries;
  private final IntFunction<String> resumed;
  private final Function<String, String> resumeFailed;
  private final ConcurrentLinkedQueue<String> replies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedReplies = new AtomicInteger();
  private final AtomicLong queuedReplyBytes = new AtomicLong();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final AtomicBoolean pingWanted = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Runnable> ending = new AtomicReference<>();
  private final AtomicReference<Thread> sender = new AtomicReference<>();
  private volatile Cursor cursor;
  private volatile String endedBecause = CLOSED;
  private boolean greeted;
  // The frame being built or in flight: its events, for the accounting (the writer's turn only).
  private int frameLive;
  private int frameEvents;
  private long[] frameCreated = new long[0];

  /**
   * @param resumed the {@code resumed} message, given how many events were replayed
   * @param resumeFailed the {@code resume_failed} message, given the reason
   */
  Outbox(
      Transport transport,
      int maxReplies,
      long maxReplyBytes,
      Endings endings,
      Deliveries deliveries,
      IntFunction<String> resumed,
      Function<String, String> resumeFailed) {
    this.transport = transport;
    this.maxReplies = maxReplies;
    this.maxReplyBytes = maxReplyBytes;
    this.endings = endings;
    this.deliveries = deliveries;
    this.resumed = resumed;
    this.resumeFailed = resumeFailed;
  }

  /**
   * Starts reading the user's events through the cursor; events are written from the next flush.
   *
   * @param resuming whether the client asked to resume: it then hears how that went first
   */
  void attach(Cursor cursor, boolean resuming) {
    this.greeted = !resuming;
    this.cursor = cursor;
    if (closed.get()) {
      deliveries.failed(endedBecause, cursor.release());
    }
  }

  /** Queues one reply without writing it yet; false when closed or just overflowed. */
  boolean enqueue(String message) {
    if (closed.get()) {
      return false;
    }
    if (!reserve(Utf8.length(message))) {
      end(endings::overflowed, REPLIES_UNREAD);
      return false;
    }
    replies.add(message);
    signalled.set(true);
    return true;
  }

  /**
   * Has a heartbeat ping sent on the writer's turn: now if no frame is in flight, else right after
   * the one that is. A ping never overlaps a frame, because Open Liberty refuses a text send while
   * a ping is being written ("another Write or Close is in progress"), which failed the connection.
   */
  void ping() {
    pingWanted.set(true);
    flush();
  }

  /** Writes what is ready, unless a write is already under way (its completion writes on). */
  void flush() {
    signalled.set(true);
    pump();
  }

  /** Counts the reply in, unless that would pass a bound: the counts never exceed them. */
  private boolean reserve(long bytes) {
    long current;
    do {
      current = queuedReplyBytes.get();
      if (current + bytes > maxReplyBytes || queuedReplies.get() >= maxReplies) {
        return false;
      }
    } while (!queuedReplyBytes.compareAndSet(current, current + bytes));
    queuedReplies.incrementAndGet();
    return true;
  }

  /**
   * Stops for good; queued replies are dropped, the cursor is closed, and the events it owed and
   * had not written count as failed for this reason.
   */
  void close(String reason) {
    end(null, reason);
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Closes, and has {@code last} run once no frame is in flight. */
  private void end(Runnable last, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    endedBecause = reason;
    ending.set(last);
    String dropped;
    while ((dropped = replies.poll()) != null) {
      release(dropped);
    }
    Cursor current = cursor;
    if (current != null) {
      deliveries.failed(reason, current.release());
    }
    finish();
  }

  /** Takes the writer's turn for good, once it is free, and runs the closing action. */
  private void finish() {
    if (writing.compareAndSet(false, true)) {
      Runnable last = ending.getAndSet(null);
      if (last != null) {
        last.run();
      }
    }
  }

  /**
   * Whether the user's events this connection has not read are partly gone: its client stopped
   * reading so long ago that retention overtook it. Asked by the heartbeat, which closes such a
   * connection even while a frame to it is stuck in flight.
   */
  boolean fellBehind() {
    Cursor current = cursor;
    return current != null && !closed.get() && current.expired();
  }

  int queuedReplies() {
    return queuedReplies.get();
  }

  /**
   * What this connection has not been sent yet: its replies, and its user's events it has not read.
   */
  long backlog() {
    Cursor current = cursor;
    return queuedReplyBytes.get() + (current == null || closed.get() ? 0 : current.backlog());
  }

  /**
   * Starts the next frame unless one is in flight. A transport that completes a send on the calling
   * thread is looped over here instead of recursing, so a fast socket cannot grow the stack. A
   * signal that arrives while the turn is taken is seen before the turn is given up.
   */
  private void pump() {
    while (true) {
      if (closed.get()) {
        finish();
        return;
      }
      if (!signalled.get() || !writing.compareAndSet(false, true)) {
        return;
      }
      signalled.set(false);
      if (pingWanted.get() && pingWanted.getAndSet(false)) { // a read only, on the per-frame path
        signalled.set(true); // frames may be waiting too: look again after the ping
        Thread me = Thread.currentThread();
        sender.set(me);
        transport.ping(this::pinged);
        sender.compareAndSet(me, null);
        if (writing.get()) {
          return; // in flight: its end pumps again
        }
        continue;
      }
      frameLive = 0;
      frameEvents = 0;
      String frame = nextFrame();
      if (frame == null || closed.get()) {
        if (frameLive > 0) {
          deliveries.failed(endedBecause, frameLive); // taken, then closed meanwhile: dropped
        }
        writing.set(false); // nothing to send, or closed meanwhile: what was taken is dropped
        continue;
      }
      signalled.set(true); // the cursor may hold more than one frame: look again after this one
      Thread me = Thread.currentThread();
      sender.set(me);
      transport.send(frame, this::sent);
      sender.compareAndSet(me, null); // another thread's pump may own the mark by now
      if (writing.get()) {
        return; // in flight: its completion pumps again
      }
    }
  }

  private void pinged() {
    boolean inline = sender.get() == Thread.currentThread();
    writing.set(false);
    if (!inline) {
      pump();
    }
  }

  private void sent(Throwable failure) {
    boolean inline = sender.get() == Thread.currentThread();
    if (failure != null) {
      // A frame still in flight when the connection ended fails for the reason it ended.
      deliveries.failed(closed.get() ? endedBecause : WRITE_FAILED, frameLive);
      // The writer's turn is still ours: the action runs below, in pump.
      end(() -> endings.failed(failure), WRITE_FAILED);
    } else {
      deliveries.written(
          frameLive, frameEvents - frameLive, frameEvents == 0 ? NO_EVENTS : frameCreated);
    }
    writing.set(false);
    if (!inline) {
      pump();
    }
  }

  /**
   * The next frame: for a resume, first its replay (or its {@code resume_failed}) and its {@code
   * resumed}, alone; after that, the queued replies, then events, as many as fit.
   */
  private String nextFrame() {
    Cursor events = cursor;
    if (events == null) {
      return null; // not attached yet: attaching signals
    }
    StringBuilder frame = new StringBuilder();
    if (!greeted) {
      if (events.failure() != null) {
        greeted = true;
        append(frame, resumeFailed.apply(events.failure()));
      } else {
        if (events.replaying() && !readEvents(events, frame)) {
          return null;
        }
        if (!events.replaying()) {
          greeted = true;
          append(frame, resumed.apply(events.replayed()));
        }
        return frame.isEmpty() ? null : frame.toString();
      }
    }
    String reply;
    while ((reply = replies.peek()) != null
        && (frame.isEmpty() || frame.length() + 1 + reply.length() <= MAX_FRAME_BYTES)) {
      String taken = replies.poll();
      if (taken == null) {
        break;
      }
      release(taken);
      append(frame, taken);
    }
    if (!readEvents(events, frame)) {
      return null;
    }
    return frame.isEmpty() ? null : frame.toString();
  }

  /**
   * Adds the cursor's next events, about a frame's worth (one event larger than that goes alone);
   * false when the cursor fell behind, which ends the outbox.
   */
  private boolean readEvents(Cursor events, StringBuilder frame) {
    long room = MAX_FRAME_BYTES - frame.length();
    if (room <= 0) {
      return true;
    }
    Cursor.Batch batch = events.next(room);
    if (batch.expired()) {
      end(endings::fellBehind, FELL_BEHIND);
      return false;
    }
    for (String event : batch.frames()) {
      append(frame, event);
    }
    if (!batch.frames().isEmpty()) {
      frameCreated =
          frameEvents == 0 ? batch.createdMillis() : concat(frameCreated, batch.createdMillis());
      frameEvents += batch.frames().size();
      frameLive += batch.live();
    }
    return true;
  }

  private static long[] concat(long[] first, long[] second) {
    long[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static void append(StringBuilder frame, String message) {
    if (!frame.isEmpty()) {
      frame.append('\n');
    }
    frame.append(message);
  }

  private void release(String message) {
    queuedReplies.decrementAndGet();
    queuedReplyBytes.addAndGet(-Utf8.length(message));
  }
}
