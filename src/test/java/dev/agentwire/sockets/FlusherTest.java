package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one writer thread survives whatever one connection's flush throws, and is replaced if it ends
 * all the same: events keep reaching every other connection.
 */
class FlusherTest {

  private final ThreadFactory threads = Executors.defaultThreadFactory();
  private final Flusher flusher = new Flusher(threads, 200);

  @AfterEach
  void stop() {
    flusher.stop();
  }

  @Test
  void anErrorFromOneConnectionDoesNotStopTheOthers() throws InterruptedException {
    flusher.start();
    Probe bad =
        new Probe(
            () -> {
              throw new Error("encoder: MalformedInputException");
            });
    Probe good = new Probe(() -> {});

    flusher.schedule(bad);
    flusher.schedule(good);
    assertTrue(good.flushed.await(5, TimeUnit.SECONDS), "the next connection is still written");

    Probe later = new Probe(() -> {});
    flusher.schedule(later);
    assertTrue(later.flushed.await(5, TimeUnit.SECONDS), "and every one after it");
    assertEquals(1, flusher.failures());
    assertEquals(0, flusher.restarts());
  }

  @Test
  void aWriterThatEndsIsReplaced() throws InterruptedException {
    flusher.start();
    Probe killer = new Probe(() -> {});
    killer.failClear.set(true); // throws outside the per-connection guard: the thread ends

    flusher.schedule(killer);
    Probe next = new Probe(() -> {});
    flusher.schedule(next);

    assertTrue(next.flushed.await(5, TimeUnit.SECONDS), "a new writer took over");
    assertEquals(1, flusher.restarts());
  }

  @Test
  void aWriterHeldByOneConnectionIsReportedThenReplacedForTheOthers() throws Exception {
    flusher.start();
    CountDownLatch release = new CountDownLatch(1);
    Probe stuck =
        new Probe(
            () -> {
              try {
                release.await(); // a write that does not come back; an interrupt frees it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    flusher.schedule(stuck);
    assertTrue(stuck.flushed.await(5, TimeUnit.SECONDS));
    Probe waiting = new Probe(() -> {});
    flusher.schedule(waiting);

    Await.until(() -> flusher.oldestPendingMs() > 200, Duration.ofSeconds(5), "the stall showing");
    assertTrue(flusher.oldestPendingMs() > 200, "the stall shows: " + flusher.oldestPendingMs());
    assertEquals(1, waiting.flushed.getCount(), "not written while the writer is held");

    // watch() replaces the writer once it is held for over twice the bound of 200 ms.
    Await.until(
        () -> {
          flusher.watch();
          return flusher.restarts() > 0;
        },
        Duration.ofSeconds(5),
        "the held writer replaced");
    assertTrue(waiting.flushed.await(5, TimeUnit.SECONDS), "a new writer took over");
    assertEquals(1, flusher.restarts());
    assertTrue(flusher.alive());
    assertTrue(flusher.oldestPendingMs() < 200, "healthy again: " + flusher.oldestPendingMs());
    release.countDown();
  }

  /** A subscriber that counts its flushes and does what it is told when flushed. */
  private static final class Probe implements Subscriber {
    final CountDownLatch flushed = new CountDownLatch(1);
    final AtomicBoolean failClear = new AtomicBoolean();
    private final Runnable onFlush;
    private final AtomicBoolean dirty = new AtomicBoolean();

    Probe(Runnable onFlush) {
      this.onFlush = onFlush;
    }

    @Override
    public void flush() {
      flushed.countDown();
      onFlush.run();
    }

    @Override
    public boolean markDirty() {
      return dirty.compareAndSet(false, true);
    }

    @Override
    public void clearDirty() {
      if (failClear.get()) {
        throw new IllegalStateException("broken subscriber");
      }
      dirty.set(false);
    }

    @Override
    public long backlog() {
      return 0;
    }

    @Override
    public void heartbeat(long nowNanos) {
      throw new AssertionError("not used by the flusher");
    }
  }
}
