package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's outbox: one frame in flight, messages in order, batches while busy, bounded, and
 * safe under concurrent offers and inline or asynchronous completion.
 */
class OutboxTest {

  private final AtomicInteger overflows = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final HeldTransport held = new HeldTransport();
  private ExecutorService executor;

  @AfterEach
  void stopExecutor() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  private Outbox outbox(int maxMessages, long maxBytes) {
    return new Outbox(
        held,
        maxMessages,
        maxBytes,
        overflows::incrementAndGet,
        failure -> failures.incrementAndGet());
  }

  /** Records each frame and keeps its completion until the test releases it. */
  private static final class HeldTransport implements Outbox.Transport {
    final List<String> frames = new ArrayList<>();
    final List<Consumer<Throwable>> pending = new ArrayList<>();

    @Override
    public void send(String frame, Consumer<Throwable> done) {
      frames.add(frame);
      pending.add(done);
    }

    void complete() {
      assertEquals(1, pending.size(), "exactly one frame is in flight");
      pending.remove(0).accept(null);
    }

    void fail(Throwable failure) {
      assertEquals(1, pending.size(), "exactly one frame is in flight");
      pending.remove(0).accept(failure);
    }
  }

  @Test
  void aMessageLeavesAtOnceWhenNothingIsInFlight() {
    Outbox outbox = outbox(100, 1_000_000);

    assertTrue(outbox.offer("{\"n\":1}"));

    assertEquals(List.of("{\"n\":1}"), held.frames);
    assertEquals(0, outbox.queued());
  }

  @Test
  void messagesLeaveInOrderOneFrameAtATime() {
    Outbox outbox = outbox(100, 1_000_000);

    outbox.offer("a");
    held.complete();
    outbox.offer("b");
    held.complete();
    outbox.offer("c");
    held.complete();

    assertEquals(List.of("a", "b", "c"), held.frames);
    assertEquals(List.of(), held.pending);
  }

  @Test
  void whileAFrameIsInFlightLaterMessagesWaitAndLeaveTogetherAsJsonLines() {
    Outbox outbox = outbox(100, 1_000_000);

    outbox.offer("{\"n\":1}");
    outbox.offer("{\"n\":2}");
    outbox.offer("{\"n\":3}");
    outbox.offer("{\"n\":4}");

    assertEquals(List.of("{\"n\":1}"), held.frames, "nothing else leaves while one is in flight");
    assertEquals(3, outbox.queued());

    held.complete();

    assertEquals(List.of("{\"n\":1}", "{\"n\":2}\n{\"n\":3}\n{\"n\":4}"), held.frames);
    assertEquals(0, outbox.queued());
    held.complete();
    assertEquals(2, held.frames.size(), "nothing left to send");
  }

  @Test
  void aBatchNeverExceedsTheFrameLimit() {
    Outbox outbox = outbox(100, 10_000_000);
    String a = "a".repeat(30_000);
    String b = "b".repeat(30_000);
    String c = "c".repeat(30_000);

    outbox.offer("first");
    outbox.offer(a);
    outbox.offer(b);
    outbox.offer(c);
    held.complete();
    held.complete();
    held.complete();

    assertEquals(List.of("first", a + "\n" + b, c), held.frames);
    for (String frame : held.frames) {
      assertTrue(frame.length() <= Outbox.MAX_FRAME_CHARS, "frame of " + frame.length());
    }
  }

  @Test
  void aBatchMayFillTheFrameLimitExactly() {
    Outbox outbox = outbox(100, 10_000_000);
    String a = "a".repeat(Outbox.MAX_FRAME_CHARS / 2 - 1);
    String b = "b".repeat(Outbox.MAX_FRAME_CHARS / 2);
    String c = "c";

    outbox.offer("first");
    outbox.offer(a);
    outbox.offer(b);
    outbox.offer(c);
    held.complete();
    held.complete();

    assertEquals(List.of("first", a + "\n" + b, c), held.frames);
    assertEquals(Outbox.MAX_FRAME_CHARS, held.frames.get(1).length());
  }

  @Test
  void aMessageLargerThanTheFrameLimitLeavesAlone() {
    Outbox outbox = outbox(100, 10_000_000);
    String big = "x".repeat(Outbox.MAX_FRAME_CHARS + 1_000);

    outbox.offer("first");
    outbox.offer("before");
    outbox.offer(big);
    outbox.offer("after");
    held.complete();
    held.complete();
    held.complete();

    assertEquals(List.of("first", "before", big, "after"), held.frames);
  }

  @Test
  void passingTheMessageBoundOverflowsOnceAndAcceptsNothingMore() {
    Outbox outbox = outbox(3, 1_000_000);

    assertTrue(outbox.offer("in flight"));
    assertTrue(outbox.offer("q1"));
    assertTrue(outbox.offer("q2"));
    assertTrue(outbox.offer("q3"));
    assertEquals(0, overflows.get(), "three queued is within the bound");

    assertFalse(outbox.offer("q4"));
    assertFalse(outbox.offer("q5"));
    assertFalse(outbox.offer("q6"));
    assertEquals(0, overflows.get(), "reported only once the frame in flight is handed over");

    held.complete();
    assertEquals(1, overflows.get(), "overflow is reported once");
    assertEquals(List.of("in flight"), held.frames, "what was queued is dropped");
    assertFalse(outbox.offer("later"));
    assertEquals(1, overflows.get());
  }

  @Test
  void passingTheByteBoundOverflowsOnceAndAcceptsNothingMore() {
    Outbox outbox = outbox(1_000, 10);

    assertTrue(outbox.offer("inflight"));
    assertTrue(outbox.offer("12345"));
    assertTrue(outbox.offer("67890"));
    assertEquals(0, overflows.get(), "ten queued bytes are within the bound");

    assertFalse(outbox.offer("x"));
    assertFalse(outbox.offer(""));
    assertEquals(0, overflows.get(), "reported only once the frame in flight is handed over");

    held.complete();
    assertEquals(1, overflows.get());
    assertEquals(List.of("inflight"), held.frames, "what was queued is dropped");
  }

  @Test
  void theBoundCountsUtf8BytesNotChars() {
    Outbox outbox = outbox(1_000, 10);

    assertTrue(outbox.offer("inflight"));
    assertTrue(outbox.offer("\u20ac\u20ac\u20ac"), "three chars, nine bytes");
    assertEquals(9, outbox.queuedBytes());
    assertFalse(outbox.offer("\u00e9"), "two more bytes pass the bound of ten");
    held.complete();
    assertEquals(1, overflows.get());
  }

  @Test
  void aReplayCountsAgainstTheBoundsWhileItIsWritten() {
    Outbox outbox = outbox(1_000, 10);
    outbox.begin(List.of("123456", "7890"));
    assertEquals(10, outbox.queuedBytes(), "the replay is what the connection holds");

    assertFalse(outbox.offer("x"), "a live message on top passes the bound");
    assertEquals(
        List.of(), held.frames, "the overflow drops the replay as well: the client resumes");
    assertEquals(1, overflows.get());
    assertEquals(0, outbox.queuedBytes());
  }

  @Test
  void aReplayLargerThanTheBoundIsStillWrittenWholeWhenNothingLiveComes() {
    Outbox outbox = outbox(1_000, 4);
    outbox.begin(List.of("123456", "7890"));
    outbox.flush();

    assertEquals(List.of("123456\n7890"), held.frames);
    held.complete();
    assertEquals(0, outbox.queuedBytes());
    assertTrue(outbox.offer("live"), "once written, the replay no longer counts");
    assertEquals(0, overflows.get());
  }

  @Test
  void aSingleMessageLargerThanTheByteBoundOverflows() {
    Outbox outbox = outbox(1_000, 10);

    assertFalse(outbox.offer("12345678901"));

    assertEquals(1, overflows.get());
    assertEquals(List.of(), held.frames);
  }

  @Test
  void sentMessagesNoLongerCountAgainstTheBound() {
    Outbox outbox = outbox(2, 6);
    List<String> expected = new ArrayList<>();

    for (int round = 0; round < 10; round++) {
      assertTrue(outbox.offer("r" + round + "a"), "round " + round);
      assertTrue(outbox.offer("r" + round + "b"), "round " + round);
      expected.add("r" + round + "a");
      expected.add("r" + round + "b");
      while (!held.pending.isEmpty()) {
        held.complete();
      }
    }

    assertEquals(0, overflows.get());
    assertEquals(expected, String.join("\n", held.frames).lines().toList());
  }

  @Test
  void aFailedSendClosesTheOutbox() {
    Outbox outbox = outbox(100, 1_000_000);
    outbox.offer("a");
    outbox.offer("b");

    held.fail(new IOException("connection reset"));

    assertEquals(List.of("a"), held.frames, "nothing is sent after a failure");
    assertFalse(outbox.offer("c"));
    assertEquals(List.of("a"), held.frames);
    assertEquals(0, overflows.get(), "a failure is not an overflow");
  }

  @Test
  void aClosedOutboxAcceptsNothing() {
    Outbox outbox = outbox(100, 1_000_000);
    outbox.offer("a");
    outbox.offer("b");

    outbox.close();
    held.complete();

    assertFalse(outbox.offer("c"));
    assertEquals(List.of("a"), held.frames);
  }

  @Test
  void aTransportThatCompletesInlineDoesNotGrowTheStack() {
    List<String> delivered = new ArrayList<>();
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    Outbox outbox =
        new Outbox(
            (frame, done) -> {
              deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
              for (String message : frame.split("\n")) {
                delivered.add(message);
              }
              done.accept(null);
              depth.decrementAndGet();
            },
            Integer.MAX_VALUE,
            Long.MAX_VALUE,
            overflows::incrementAndGet,
            failure -> failures.incrementAndGet());

    for (int i = 0; i < 200_000; i++) {
      assertTrue(outbox.offer(Integer.toString(i)));
    }

    assertEquals(200_000, delivered.size());
    for (int i = 0; i < 200_000; i++) {
      assertEquals(Integer.toString(i), delivered.get(i));
    }
    assertEquals(1, deepest.get(), "a send never starts inside another send");
    assertEquals(0, overflows.get());
  }

  @Test
  void aLongBacklogDrainedByAnInlineTransportDoesNotGrowTheStack() {
    int backlog = 20_000;
    String large = "x".repeat(Outbox.MAX_FRAME_CHARS / 2 + 1); // one per frame
    List<Consumer<Throwable>> firstCompletion = new ArrayList<>();
    AtomicInteger frames = new AtomicInteger();
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    Outbox outbox =
        new Outbox(
            (frame, done) -> {
              deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
              assertEquals(frames.get() == 0 ? "first" : large, frame);
              if (frames.getAndIncrement() == 0) {
                firstCompletion.add(done);
              } else {
                done.accept(null);
              }
              depth.decrementAndGet();
            },
            Integer.MAX_VALUE,
            Long.MAX_VALUE,
            overflows::incrementAndGet,
            failure -> failures.incrementAndGet());
    outbox.offer("first");
    for (int i = 0; i < backlog; i++) {
      assertTrue(outbox.offer(large));
    }
    assertEquals(backlog, outbox.queued());

    firstCompletion.get(0).accept(null);

    assertEquals(1 + backlog, frames.get());
    assertEquals(0, outbox.queued());
    assertEquals(1, deepest.get(), "each frame is sent after the previous send returned");
  }

  @Test
  void aTransportThatFailsInlineClosesTheOutbox() {
    List<String> frames = new ArrayList<>();
    Outbox outbox =
        new Outbox(
            (frame, done) -> {
              frames.add(frame);
              done.accept(new IOException("broken pipe"));
            },
            100,
            1_000_000,
            overflows::incrementAndGet,
            failure -> failures.incrementAndGet());

    assertTrue(outbox.offer("a"));
    assertFalse(outbox.offer("b"));
    assertEquals(List.of("a"), frames);
    assertEquals(1, failures.get(), "the failure is reported once");
    assertEquals(0, overflows.get());
  }

  @Test
  void concurrentOffersAreAllDeliveredOnceInTheirOwnOrderWithOneSendInFlight() throws Exception {
    int threads = 8;
    int perThread = 10_000;
    executor = Executors.newFixedThreadPool(4);
    ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
    CountDownLatch allDelivered = new CountDownLatch(threads * perThread);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger frames = new AtomicInteger();
    Outbox outbox =
        new Outbox(
            (frame, done) -> {
              if (inFlight.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              frames.incrementAndGet();
              executor.execute(
                  () -> {
                    for (String message : frame.split("\n")) {
                      delivered.add(message);
                      allDelivered.countDown();
                    }
                    inFlight.decrementAndGet();
                    done.accept(null);
                  });
            },
            Integer.MAX_VALUE,
            Long.MAX_VALUE,
            overflows::incrementAndGet,
            failure -> failures.incrementAndGet());

    ExecutorService offerers = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> refusals = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String thread = "t" + t + ":";
        refusals.add(
            offerers.submit(
                () -> {
                  assertTrue(start.await(10, TimeUnit.SECONDS));
                  int refused = 0;
                  for (int i = 0; i < perThread; i++) {
                    if (!outbox.offer(thread + i)) {
                      refused++;
                    }
                  }
                  return refused;
                }));
      }
      start.countDown();
      for (Future<Integer> refused : refusals) {
        assertEquals(0, refused.get(30, TimeUnit.SECONDS));
      }
      assertTrue(allDelivered.await(30, TimeUnit.SECONDS), "all messages are delivered");
    } finally {
      offerers.shutdownNow();
      assertTrue(offerers.awaitTermination(10, TimeUnit.SECONDS));
    }

    assertEquals(0, overlaps.get(), "never two sends in flight");
    assertEquals(0, overflows.get());
    assertEquals(threads * perThread, delivered.size(), "nothing delivered twice");
    int[] next = new int[threads];
    for (String message : delivered) {
      int colon = message.indexOf(':');
      int thread = Integer.parseInt(message.substring(1, colon));
      int n = Integer.parseInt(message.substring(colon + 1));
      assertEquals(next[thread], n, "thread " + thread + "'s messages in its own order");
      next[thread]++;
    }
    for (int t = 0; t < threads; t++) {
      assertEquals(perThread, next[t], "all of thread " + t + "'s messages");
    }
    assertTrue(frames.get() <= threads * perThread);
  }

  @Test
  void theOverflowActionRunsOnlyAfterTheFrameInFlightWasHandedOver() {
    Outbox outbox = outbox(2, 1_000_000);
    outbox.offer("a"); // in flight, held
    outbox.offer("b");
    outbox.offer("c");
    assertFalse(outbox.offer("d"), "past the bound");
    assertEquals(0, overflows.get(), "not while a frame is still in flight");
    held.pending.get(0).accept(null);
    assertEquals(1, overflows.get(), "once the writer is free");
    assertEquals(List.of("a"), held.frames, "nothing queued goes out after the overflow");
  }

  /**
   * A close that drains the queue while the writer is building a frame must not leave a hole in
   * what the client receives (found in review: the writer appended a peeked message that the closer
   * had taken).
   */
  @Test
  void aFrameBuiltDuringAnOverflowHasNoHoles() throws Exception {
    for (int trial = 0; trial < 200; trial++) {
      List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Consumer<Throwable>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
      Outbox outbox =
          new Outbox(
              (f, done) -> {
                frames.add(f);
                pending.add(done);
              },
              1_000_000,
              1_000_000,
              () -> {},
              failure -> {});
      outbox.offer("0");
      for (int i = 1; i < 20_000; i++) {
        outbox.offer(Integer.toString(i));
      }
      int before = outbox.queued();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      Thread writer =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                pending.get(0).accept(null);
              });
      writer.start();
      go.countDown();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (outbox.queued() == before) {
        assertTrue(System.nanoTime() < deadline, "the writer never started batching");
        Thread.onSpinWait();
      }
      outbox.offer("x".repeat(1_000_001));
      writer.join(5_000);
      List<Integer> got = new ArrayList<>();
      for (String f : frames) {
        for (String m : f.split("\n")) {
          got.add(Integer.parseInt(m));
        }
      }
      for (int i = 0; i < got.size(); i++) {
        assertEquals(i, (int) got.get(i), "hole in the delivered stream, trial " + trial);
      }
    }
  }
}
