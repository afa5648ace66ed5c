package dev.agentwire.sockets;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes queued events to the sockets on one container-managed thread, so that the threads that
 * produce events never do socket work, and the events that queue up meanwhile leave together: every
 * {@code sendText} costs the container a rescheduled idle-timeout task, so fewer, fuller frames are
 * much cheaper than one frame per event.
 *
 * <p>Every connection's events go through this one thread, so nothing one connection does may end
 * it: whatever a flush throws is that connection's failure, logged and counted, and the writer goes
 * on with the next. Should the thread end all the same, it is replaced at once, and the log says so
 * at SEVERE.
 */
@ApplicationScoped
public class Flusher {

  private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

  @Resource ManagedThreadFactory managedThreads;

  private final LinkedBlockingQueue<Subscriber> dirty = new LinkedBlockingQueue<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private ThreadFactory threads;
  private volatile boolean stopped;
  private volatile Thread writer;

  public Flusher() {}

  /** A writer on threads of the given factory, outside the container. */
  Flusher(ThreadFactory threads) {
    this.threads = threads;
  }

  @PostConstruct
  void start() {
    if (threads == null) {
      threads = managedThreads;
    }
    startWriter();
  }

  @PreDestroy
  void stop() {
    stopped = true;
    writer.interrupt();
  }

  /** Has the subscriber's queue written soon; a subscriber already waiting is not added twice. */
  void schedule(Subscriber subscriber) {
    if (subscriber.markDirty()) {
      dirty.add(subscriber);
    }
  }

  /** Flushes that threw: each is one connection's failure, which the writer survived. */
  public long failures() {
    return failures.get();
  }

  /** How often the writer thread had to be replaced. */
  public long restarts() {
    return restarts.get();
  }

  private void startWriter() {
    Thread thread = threads.newThread(this::run);
    thread.setName("agentwire-flusher");
    thread.setDaemon(true);
    writer = thread;
    thread.start();
  }

  private void run() {
    Throwable ended = null;
    try {
      loop();
    } catch (Throwable e) {
      ended = e;
    } finally {
      if (!stopped) {
        restarts.incrementAndGet();
        LOG.log(
            Level.SEVERE,
            "the writer thread ended unexpectedly; starting a new one so that events keep flowing",
            ended);
        startWriter();
      }
    }
  }

  private void loop() {
    while (!stopped) {
      Subscriber next;
      try {
        next = dirty.take();
      } catch (InterruptedException e) {
        if (stopped) {
          return; // undeployed
        }
        continue; // an interrupt meant for a send: the writer carries on
      }
      next.clearDirty(); // before flushing: what is queued from now on schedules it again
      try {
        next.flush();
      } catch (Throwable e) {
        failures.incrementAndGet();
        LOG.log(Level.SEVERE, "writing to a connection failed; the other connections go on", e);
      }
    }
  }
}
