package dev.agentwire.sockets;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes queued events to the sockets on one container-managed thread, so that the threads that
 * produce events never do socket work, and the events that queue up meanwhile leave together: every
 * {@code sendText} costs the container a rescheduled idle-timeout task, so fewer, fuller frames are
 * much cheaper than one frame per event.
 *
 * <p>Every connection's events go through this one thread, so nothing one connection does may end
 * or hold it: whatever a flush throws is that connection's failure, logged and counted, and the
 * writer goes on with the next. Should the thread end all the same, it is replaced at once; should
 * one flush hold it for longer than twice {@code agentwire.ws.writer-stall-ms}, it is abandoned to
 * that flush and a new writer takes over the others. Both are logged at SEVERE and counted; the
 * liveness check reports a writer stalled for longer than {@code writer-stall-ms}.
 */
@ApplicationScoped
public class Flusher {

  private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

  @Resource ManagedThreadFactory managedThreads;
  @Resource ManagedScheduledExecutorService scheduler;

  @Inject
  @ConfigProperty(name = "agentwire.ws.writer-stall-ms", defaultValue = "10000")
  long stallMs;

  /** A connection waiting for the writer, since when. */
  private record Pending(Subscriber subscriber, long sinceNanos) {}

  private final LinkedBlockingQueue<Pending> dirty = new LinkedBlockingQueue<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private ThreadFactory threads;
  private volatile boolean stopped;
  private volatile Writer writer;
  private ScheduledFuture<?> watching;

  /** One writer thread; a replaced one finishes its flush and leaves. */
  private final class Writer implements Runnable {
    final Thread thread;

    /** When the flush under way started; 0 while waiting for work. */
    volatile long busySince;

    Writer() {
      thread = threads.newThread(this);
      thread.setName("agentwire-flusher");
      thread.setDaemon(true);
    }

    boolean current() {
      return writer == this && !stopped;
    }

    @Override
    public void run() {
      Throwable ended = null;
      try {
        loop();
      } catch (Throwable e) {
        ended = e;
      } finally {
        if (current()) {
          restarts.incrementAndGet();
          LOG.log(
              Level.SEVERE,
              "the writer thread ended unexpectedly; starting a new one so that events keep"
                  + " flowing",
              ended);
          startWriter();
        }
      }
    }

    private void loop() {
      while (current()) {
        Pending next;
        try {
          next = dirty.take();
        } catch (InterruptedException e) {
          continue; // undeployed or replaced (the loop ends), or an interrupt meant for a send
        }
        if (!current()) {
          dirty.add(next); // replaced while waiting: the new writer takes it
          return;
        }
        busySince = System.nanoTime();
        next.subscriber().clearDirty(); // before flushing: what is queued from now schedules again
        try {
          next.subscriber().flush();
        } catch (Throwable e) {
          failures.incrementAndGet();
          LOG.log(Level.SEVERE, "writing to a connection failed; the other connections go on", e);
        } finally {
          busySince = 0;
        }
      }
    }
  }

  public Flusher() {}

  /** A writer on threads of the given factory, outside the container. */
  Flusher(ThreadFactory threads, long stallMs) {
    this.threads = threads;
    this.stallMs = stallMs;
  }

  @PostConstruct
  void start() {
    if (threads == null) {
      threads = managedThreads;
      watching = scheduler.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }
    startWriter();
  }

  @PreDestroy
  void stop() {
    stopped = true;
    if (watching != null) {
      watching.cancel(false);
    }
    writer.thread.interrupt();
  }

  /** Has the subscriber's queue written soon; a subscriber already waiting is not added twice. */
  void schedule(Subscriber subscriber) {
    if (subscriber.markDirty()) {
      dirty.add(new Pending(subscriber, System.nanoTime()));
    }
  }

  /** Flushes that threw: each is one connection's failure, which the writer survived. */
  public long failures() {
    return failures.get();
  }

  /** How often the writer thread had to be replaced (it ended, or one flush held it). */
  public long restarts() {
    return restarts.get();
  }

  public boolean alive() {
    Writer current = writer;
    return current != null && current.thread.isAlive();
  }

  /**
   * How long the oldest write still to be done has waited: the flush under way, or the first
   * connection in the queue, in milliseconds; 0 when the writer is idle.
   */
  public long oldestPendingMs() {
    long now = System.nanoTime();
    long oldest = now;
    Writer current = writer;
    long busy = current == null ? 0 : current.busySince;
    if (busy != 0) {
      oldest = Math.min(oldest, busy);
    }
    Pending head = dirty.peek();
    if (head != null) {
      oldest = Math.min(oldest, head.sinceNanos());
    }
    return TimeUnit.NANOSECONDS.toMillis(now - oldest);
  }

  /** The bound past which the writer counts as stalled. */
  public long stallMs() {
    return stallMs;
  }

  /**
   * Replaces a writer that one flush has held for longer than twice the stall bound: the others'
   * events must not wait for one connection. Runs every second.
   */
  void watch() {
    Writer current = writer;
    long busy = current.busySince;
    if (busy == 0 || System.nanoTime() - busy <= TimeUnit.MILLISECONDS.toNanos(2 * stallMs)) {
      return;
    }
    restarts.incrementAndGet();
    LOG.severe(
        "the writer thread has been in one connection's write for more than "
            + 2 * stallMs
            + " ms; leaving it to that write and starting a new writer for the others");
    startWriter();
    current.thread.interrupt();
  }

  private synchronized void startWriter() {
    if (stopped) {
      return;
    }
    Writer next = new Writer();
    writer = next;
    next.thread.start();
  }
}
