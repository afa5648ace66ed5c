package dev.agentwire.sockets;

import dev.agentwire.events.Utf8;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The ordered queue of one connection's outgoing messages, with a single writer: at most one frame
 * is in flight, messages leave in the order offered, and whatever queued up meanwhile leaves
 * together as one JSON Lines frame. Offering never blocks; an outbox that grows past its bounds
 * overflows once and accepts nothing more. The bounds count messages and UTF-8 bytes, a resume's
 * replay included: what a connection has not written yet is what it holds.
 */
final class Outbox {

  /** Sends one frame and reports its completion, with the failure if any, exactly once. */
  interface Transport {
    void send(String frame, Consumer<Throwable> done);
  }

  static final int MAX_FRAME_CHARS = 64 * 1024;

  private final Transport transport;
  private final int maxMessages;
  private final long maxBytes;
  private final Runnable onOverflow;
  private final Consumer<Throwable> onFailure;
  private final AtomicReference<Runnable> ending = new AtomicReference<>();
  private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> prelude = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Thread> sender = new AtomicReference<>();

  /**
   * @param onOverflow run once, on the writer's turn after the last frame was handed over, when a
   *     bound is passed; must not block
   * @param onFailure likewise, when a send fails, with what it failed with
   */
  Outbox(
      Transport transport,
      int maxMessages,
      long maxBytes,
      Runnable onOverflow,
      Consumer<Throwable> onFailure) {
    this.transport = transport;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.onOverflow = onOverflow;
    this.onFailure = onFailure;
  }

  /**
   * Puts messages ahead of everything offered: a resume's replay, which streams out frame by frame
   * before any live message. It is always taken, even past the bounds (the history that it comes
   * from is bounded itself), and it counts against them: live messages that would pass a bound
   * while the replay is still being written overflow the outbox. Call it before the first {@link
   * #offer}; like {@link #enqueue}, it leaves the writing to {@link #flush()}.
   */
  void begin(List<String> messages) {
    for (String message : messages) {
      queuedMessages.incrementAndGet();
      queuedBytes.addAndGet(Utf8.length(message));
      prelude.add(message);
    }
  }

  /** Queues one JSON message and starts writing; false when closed or just overflowed. */
  boolean offer(String message) {
    boolean queued = enqueue(message);
    flush();
    return queued;
  }

  /**
   * Queues one JSON message without writing it yet, so that a caller holding a lock can fix the
   * order of messages and leave the socket work to {@link #flush()} after releasing it.
   */
  boolean enqueue(String message) {
    if (closed.get()) {
      return false;
    }
    if (!reserve(Utf8.length(message))) {
      closeOnce(onOverflow);
      return false;
    }
    queue.add(message);
    return true;
  }

  /** Writes what is queued, unless a write is already under way. */
  void flush() {
    pump();
  }

  /** Counts the message in, unless that would pass a bound: the counts never exceed them. */
  private boolean reserve(long bytes) {
    long current;
    do {
      current = queuedBytes.get();
      if (current + bytes > maxBytes || queuedMessages.get() >= maxMessages) {
        return false;
      }
    } while (!queuedBytes.compareAndSet(current, current + bytes));
    queuedMessages.incrementAndGet();
    return true;
  }

  /** Stops accepting messages; what is queued is dropped. */
  void close() {
    closeOnce(null);
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Closes, drops what is queued, and has {@code last} run once no frame is in flight. */
  private void closeOnce(Runnable last) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ending.set(last);
    String dropped;
    while ((dropped = prelude.poll()) != null) {
      release(dropped);
    }
    while ((dropped = queue.poll()) != null) {
      release(dropped);
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

  int queued() {
    return queuedMessages.get();
  }

  /** What waits to be written, replay included, in UTF-8 bytes. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /**
   * Starts the next frame unless one is in flight. A transport that completes a send on the calling
   * thread is looped over here instead of recursing, so a fast socket cannot grow the stack.
   */
  private void pump() {
    while (true) {
      if (closed.get()) {
        finish();
        return;
      }
      if ((prelude.isEmpty() && queue.isEmpty()) || !writing.compareAndSet(false, true)) {
        return;
      }
      String frame = nextFrame();
      if (frame == null || closed.get()) {
        writing.set(false); // nothing to send, or closed meanwhile: what was taken is dropped
        continue;
      }
      Thread me = Thread.currentThread();
      sender.set(me);
      transport.send(frame, this::sent);
      sender.compareAndSet(me, null); // another thread's pump may own the mark by now
      if (writing.get()) {
        return; // in flight: its completion pumps again
      }
    }
  }

  private void sent(Throwable failure) {
    boolean inline = sender.get() == Thread.currentThread();
    if (failure != null) {
      // The writer's turn is still ours: the action runs below, in pump.
      closeOnce(() -> onFailure.accept(failure));
    }
    writing.set(false);
    if (!inline) {
      pump();
    }
  }

  /** The prelude first, then the queue; as many messages as fit in one frame. */
  private String nextFrame() {
    ConcurrentLinkedQueue<String> source = prelude.isEmpty() ? queue : prelude;
    String first = source.poll();
    if (first == null) {
      return null;
    }
    release(first);
    if (source.isEmpty()) {
      return first;
    }
    StringBuilder frame = new StringBuilder(first);
    String next;
    while ((next = source.peek()) != null
        && frame.length() + 1 + next.length() <= MAX_FRAME_CHARS) {
      // Only a close also takes from the queues; then pump drops this frame anyway.
      String taken = source.poll();
      if (taken == null) {
        break;
      }
      release(taken);
      frame.append('\n').append(taken);
    }
    return frame.toString();
  }

  private void release(String message) {
    queuedMessages.decrementAndGet();
    queuedBytes.addAndGet(-Utf8.length(message));
  }
}
