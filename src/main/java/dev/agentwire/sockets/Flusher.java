package dev.agentwire.sockets;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes queued events to the sockets on one container-managed thread, so that the threads that
 * produce events never do socket work, and the events that queue up meanwhile leave together: every
 * {@code sendText} costs the container a rescheduled idle-timeout task, so fewer, fuller frames are
 * much cheaper than one frame per event.
 */
@ApplicationScoped
public class Flusher {

  private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

  @Resource ManagedThreadFactory threads;

  private final LinkedBlockingQueue<Subscriber> dirty = new LinkedBlockingQueue<>();
  private Thread writer;

  @PostConstruct
  void start() {
    writer = threads.newThread(this::run);
    writer.setName("agentwire-flusher");
    writer.setDaemon(true);
    writer.start();
  }

  @PreDestroy
  void stop() {
    writer.interrupt();
  }

  /** Has the subscriber's queue written soon; a subscriber already waiting is not added twice. */
  void schedule(Subscriber subscriber) {
    if (subscriber.markDirty()) {
      dirty.add(subscriber);
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Subscriber next;
      try {
        next = dirty.take();
      } catch (InterruptedException e) {
        return; // undeployed
      }
      next.clearDirty(); // before flushing: what is queued from now on schedules it again
      try {
        next.flush();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not write to a connection", e);
      }
    }
  }
}
