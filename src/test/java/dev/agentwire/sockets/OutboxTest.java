package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventData.AgentThinking;
import dev.agentwire.events.EventStore;
import dev.agentwire.events.EventStore.Retention;
import dev.agentwire.events.EventType;
import dev.agentwire.events.LocalEventLog;
import dev.agentwire.sockets.ServerMessages.ResumeFailed;
import dev.agentwire.sockets.ServerMessages.Resumed;
import dev.agentwire.testing.Await;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's outbox, on the production path: events appended to a real log and read through a
 * cursor, replies queued beside them, one frame in flight, the resume prelude first, and each way
 * of ending (replies unread, a cursor overtaken, a failed send) taken once.
 */
class OutboxTest {

  private static final long HOUR = 3_600_000;
  private static final WireFormat WIRE = new WireFormat(new EventCodec());

  private final AtomicInteger overflows = new AtomicInteger();
  private final AtomicInteger fellBehind = new AtomicInteger();
  private final AtomicReference<Throwable> failed = new AtomicReference<>();
  private final HeldTransport held = new HeldTransport();
  private final Counted deliveries = new Counted();

  /** What the outboxes reported of their deliveries. */
  private static final class Counted implements Outbox.Deliveries {
    final AtomicLong written = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final ConcurrentHashMap<String, Long> failed = new ConcurrentHashMap<>();

    @Override
    public void written(int live, int replays, long[] createdMillis) {
      assertEquals(live + replays, createdMillis.length, "a creation time per event");
      written.addAndGet(live);
      replayed.addAndGet(replays);
    }

    @Override
    public void failed(String reason, long events) {
      failed.merge(reason, events, Long::sum);
    }

    long failedTotal() {
      return failed.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private LocalEventLog log = log(Long.MAX_VALUE);
  private ExecutorService executor;
  private int seq;

  @AfterEach
  void stopExecutor() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  private static LocalEventLog log(long maxBytesPerUser) {
    return new LocalEventLog(
        new EventCodec(),
        new EventStore(
            "t3st",
            new Retention(1_000, HOUR, maxBytesPerUser, Long.MAX_VALUE, HOUR),
            Clock.systemUTC()));
  }

  private Outbox outbox(Outbox.Transport transport, int maxReplies, long maxReplyBytes) {
    return new Outbox(
        transport,
        maxReplies,
        maxReplyBytes,
        new Outbox.Endings() {
          @Override
          public void overflowed() {
            overflows.incrementAndGet();
          }

          @Override
          public void fellBehind() {
            OutboxTest.this.fellBehind.incrementAndGet();
          }

          @Override
          public void failed(Throwable failure) {
            OutboxTest.this.failed.set(failure);
          }
        },
        deliveries,
        replayed -> WIRE.write(new Resumed(replayed)),
        reason -> WIRE.write(new ResumeFailed(reason)));
  }

  /** A live outbox of ada's, attached to the log. */
  private Outbox attached(Outbox.Transport transport) {
    Outbox outbox = outbox(transport, 100, 1_000_000);
    outbox.attach(log.open("ada", null), false);
    return outbox;
  }

  private void think(String owner, String text) {
    log.append(
        new AgentEvent(
            owner,
            "r-1",
            "t-1",
            ++seq,
            Instant.now(),
            EventType.AGENT_THINKING,
            new AgentThinking(text)));
  }

  /** The texts of the thinking events and the types of other messages, in a frame. */
  private static List<String> lines(String frame) {
    List<String> lines = new ArrayList<>();
    for (String line : frame.split("\n")) {
      lines.add(
          line.contains("\"text\":\"")
              ? line.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1")
              : line.replaceAll(".*\"type\":\"([^\"]*)\".*", "$1"));
    }
    return lines;
  }

  /** A transport that sends frames as given and completes its pings at once. */
  private static Outbox.Transport sends(BiConsumer<String, Consumer<Throwable>> send) {
    return new Outbox.Transport() {
      @Override
      public void send(String frame, Consumer<Throwable> done) {
        send.accept(frame, done);
      }

      @Override
      public void ping(Runnable done) {
        done.run();
      }
    };
  }

  /** Records each frame and ping and keeps its completion until the test releases it. */
  private static final class HeldTransport implements Outbox.Transport {
    static final String PING = "(ping)";
    final List<String> frames = new ArrayList<>();
    final List<String> wire = new ArrayList<>(); // frames and pings, in the order they were sent
    final List<Consumer<Throwable>> pending = new ArrayList<>();

    @Override
    public synchronized void send(String frame, Consumer<Throwable> done) {
      assertEquals(0, pending.size(), "a frame sent while something was in flight");
      frames.add(frame);
      wire.add(frame);
      pending.add(done);
    }

    @Override
    public synchronized void ping(Runnable done) {
      assertEquals(0, pending.size(), "a ping sent while something was in flight");
      wire.add(PING);
      pending.add(failure -> done.run());
    }

    void complete() {
      Consumer<Throwable> done;
      synchronized (this) {
        assertEquals(1, pending.size(), "exactly one frame is in flight");
        done = pending.remove(0);
      }
      done.accept(null);
    }

    void fail(Throwable failure) {
      Consumer<Throwable> done;
      synchronized (this) {
        assertEquals(1, pending.size(), "exactly one frame is in flight");
        done = pending.remove(0);
      }
      done.accept(failure);
    }

    synchronized String last() {
      return frames.get(frames.size() - 1);
    }
  }

  @Test
  void aReplyLeavesAtOnceWhenNothingIsInFlight() {
    Outbox outbox = attached(held);
    assertTrue(outbox.enqueue("{\"type\":\"pong\"}"));
    outbox.flush();
    assertEquals(List.of("{\"type\":\"pong\"}"), held.frames);
    assertEquals(0, outbox.queuedReplies());
  }

  @Test
  void whatIsReadyWhileAFrameIsInFlightLeavesAsOneFrameRepliesFirst() {
    Outbox outbox = attached(held);
    think("ada", "e1");
    outbox.flush();
    assertEquals(List.of("e1"), lines(held.last()));
    think("ada", "e2");
    outbox.enqueue("{\"type\":\"run_accepted\"}");
    think("ada", "e3");
    think("bob", "not ada's");
    outbox.flush();
    assertEquals(1, held.frames.size(), "nothing more while a frame is in flight");
    held.complete();
    assertEquals(List.of("run_accepted", "e2", "e3"), lines(held.last()));
  }

  @Test
  void aReplyQueuedBeforeAnEventIsLoggedLeavesBeforeIt() {
    Outbox outbox = attached(held);
    outbox.enqueue("{\"type\":\"run_accepted\"}");
    think("ada", "agent_started");
    outbox.flush();
    assertEquals(List.of("run_accepted", "agent_started"), lines(held.last()));
  }

  @Test
  void aResumeSendsItsReplayThenResumedAloneThenRepliesAndLiveEvents() {
    think("ada", "seen");
    String lastSeen = "t3st-1";
    think("ada", "missed1");
    think("ada", "missed2");
    Outbox outbox = outbox(held, 100, 1_000_000);
    outbox.attach(log.open("ada", lastSeen), true);
    outbox.enqueue("{\"type\":\"pong\"}");
    think("ada", "live");
    outbox.flush();
    assertEquals(List.of("missed1", "missed2", "resumed"), lines(held.last()));
    assertTrue(held.last().contains("\"replayed\":2"), held.last());
    held.complete();
    assertEquals(List.of("pong", "live"), lines(held.last()));
  }

  @Test
  void aResumeWithNothingMissedStillSaysResumed() {
    think("ada", "seen");
    Outbox outbox = outbox(held, 100, 1_000_000);
    outbox.attach(log.open("ada", "t3st-1"), true);
    outbox.flush();
    assertEquals("{\"type\":\"resumed\",\"replayed\":0}", held.last());
  }

  /** A resume whose replay ends on another user's event still says resumed, once, and goes live. */
  @Test
  void aResumeEndsEvenWhenTheLogsLastEventIsAnotherUsers() {
    think("ada", "seen");
    think("bob", "not ada's");
    Outbox outbox = outbox(held, 100, 1_000_000);
    outbox.attach(log.open("ada", "t3st-1"), true);
    outbox.flush();
    assertEquals(List.of("{\"type\":\"resumed\",\"replayed\":0}"), held.frames);
    held.complete();
    think("ada", "live");
    outbox.flush();
    assertEquals(List.of("live"), lines(held.last()));
    assertEquals(2, held.frames.size(), "no empty frames");
  }

  @Test
  void aFailedResumeSaysSoFirstThenGoesLive() {
    Outbox outbox = outbox(held, 100, 1_000_000);
    outbox.attach(log.open("ada", "t3st-99"), true);
    think("ada", "live");
    outbox.flush();
    assertEquals(List.of("resume_failed", "live"), lines(held.last()));
    assertTrue(held.last().contains("\"reason\":\"unknown_id\""), held.last());
  }

  @Test
  void aLongReplayLeavesInFramesOfAtMost64KiB() {
    for (int i = 0; i < 400; i++) {
      think("ada", i == 0 ? "seen" : "x".repeat(1_000));
    }
    Outbox outbox = outbox(held, 100, 1_000_000);
    outbox.attach(log.open("ada", "t3st-1"), true);
    outbox.flush();
    int events = 0;
    while (true) {
      String frame = held.last();
      assertTrue(frame.length() <= Outbox.MAX_FRAME_BYTES, "frame of " + frame.length());
      events += (int) Arrays.stream(frame.split("\n")).filter(l -> l.contains("\"seq\"")).count();
      if (frame.contains("\"resumed\"")) {
        break;
      }
      held.complete();
    }
    assertEquals(399, events);
    assertTrue(held.frames.size() > 5, "several frames: " + held.frames.size());
  }

  @Test
  void aStalledReaderCostsNoMemoryForEventsOnlyRepliesAreBounded() {
    Outbox outbox = attached(held);
    think("ada", "in flight");
    outbox.flush();
    for (int i = 0; i < 1_000; i++) {
      think("ada", "x".repeat(1_000));
    }
    assertEquals(0, outbox.queuedReplies());
    assertTrue(outbox.backlog() > 1_000_000, "the unread events count as backlog");
    assertTrue(outbox.enqueue("{\"type\":\"pong\"}"));
    assertTrue(outbox.enqueue("{\"type\":\"pong\"}"));
    assertEquals(0, overflows.get());
  }

  @Test
  void repliesPastTheirBoundEndTheOutboxOnceAfterTheFrameInFlight() {
    Outbox outbox = outbox(held, 3, 1_000_000);
    outbox.attach(log.open("ada", null), false);
    outbox.enqueue("{\"n\":0}");
    outbox.flush();
    assertTrue(outbox.enqueue("{\"n\":1}"));
    assertTrue(outbox.enqueue("{\"n\":2}"));
    assertTrue(outbox.enqueue("{\"n\":3}"));
    assertFalse(outbox.enqueue("{\"n\":4}"));
    assertFalse(outbox.enqueue("{\"n\":5}"));
    assertEquals(0, overflows.get(), "not while a frame is in flight");
    held.complete();
    assertEquals(1, overflows.get());
    assertEquals(1, held.frames.size(), "what was queued is dropped");
    assertTrue(outbox.isClosed());
  }

  @Test
  void replyBytesAreCountedInUtf8() {
    Outbox outbox = outbox(held, 100, 10);
    outbox.attach(log.open("ada", null), false);
    outbox.enqueue("{}");
    outbox.flush();
    assertTrue(outbox.enqueue("\u20ac\u20ac\u20ac"), "three chars, nine bytes");
    assertFalse(outbox.enqueue("\u00e9"), "two more bytes pass the bound of ten");
  }

  @Test
  void aCursorThatRetentionOvertakesEndsTheOutboxAsFallenBehind() {
    log = log(EventStoreSizes.of(3, 1_000));
    Outbox stalled = attached(held);
    think("ada", "in flight");
    stalled.flush();
    for (int i = 0; i < 10; i++) {
      think("ada", "x".repeat(1_000));
    }
    held.complete();
    assertEquals(1, fellBehind.get());
    assertTrue(stalled.isClosed());
    assertEquals(1, held.frames.size());
  }

  @Test
  void aFailedSendEndsTheOutboxWithItsCause() {
    Outbox outbox = attached(held);
    think("ada", "e1");
    outbox.flush();
    think("ada", "e2");
    IOException broken = new IOException("broken pipe");
    held.fail(broken);
    assertEquals(broken, failed.get());
    assertTrue(outbox.isClosed());
    outbox.flush();
    assertEquals(1, held.frames.size());
  }

  @Test
  void aPingWithNothingInFlightGoesAtOnce() {
    Outbox outbox = attached(held);
    outbox.ping();
    assertEquals(List.of(HeldTransport.PING), held.wire);
    held.complete();
    think("ada", "e1");
    outbox.flush();
    assertEquals(2, held.wire.size());
    assertEquals(List.of("e1"), lines(held.last()));
  }

  /**
   * A ping never overlaps a frame, either way: Open Liberty refuses a text send while a ping is
   * being written, and failed the connection for it.
   */
  @Test
  void aPingWaitsForTheFrameInFlightAndTheNextFrameWaitsForThePing() {
    Outbox outbox = attached(held);
    think("ada", "e1");
    outbox.flush();
    outbox.ping();
    assertEquals(1, held.wire.size(), "the ping waits for the frame in flight");
    think("ada", "e2");
    outbox.flush();
    held.complete();
    assertEquals(HeldTransport.PING, held.wire.get(1), "the ping goes first once it is free");
    assertEquals(2, held.wire.size(), "the next frame waits for the ping");
    held.complete();
    assertEquals(3, held.wire.size());
    assertEquals(List.of("e2"), lines(held.last()));
    held.complete();
    assertEquals(List.of(), held.pending);
  }

  @Test
  void aClosedOutboxSendsNoPing() {
    Outbox outbox = attached(held);
    outbox.close(Outbox.CLOSED);
    outbox.ping();
    assertEquals(List.of(), held.wire);
  }

  @Test
  void aTransportThatCompletesInlineDoesNotGrowTheStack() {
    List<String> frames = new ArrayList<>();
    Outbox outbox =
        attached(
            sends(
                (frame, done) -> {
                  frames.add(frame);
                  done.accept(null);
                }));
    for (int i = 0; i < 20_000; i++) {
      think("ada", "x".repeat(100));
      if (i % 500 == 0) {
        outbox.enqueue("{\"type\":\"pong\"}");
      }
    }
    outbox.flush();
    long events =
        frames.stream()
            .flatMap(f -> Arrays.stream(f.split("\n")))
            .filter(l -> l.contains("\"seq\""))
            .count();
    assertEquals(20_000, events);
  }

  /**
   * Writers append while the transport completes on another thread and the log's listener flushes,
   * as the flusher does: every event arrives exactly once, in the log's order.
   */
  @Test
  void concurrentWritersAndAsynchronousCompletionDeliverEveryEventOnceInOrder() throws Exception {
    executor = Executors.newFixedThreadPool(4);
    ExecutorService completions = executor;
    List<String> received = new ArrayList<>();
    Outbox[] self = new Outbox[1];
    Outbox outbox =
        attached(
            sends(
                (frame, done) -> {
                  synchronized (received) {
                    received.addAll(Arrays.asList(frame.split("\n")));
                  }
                  completions.execute(() -> done.accept(null));
                }));
    self[0] = outbox;
    log.listen(owner -> self[0].flush());
    int perWriter = 3_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      writers.add(
          executor.submit(
              () -> {
                start.await();
                for (int i = 0; i < perWriter; i++) {
                  synchronized (this) {
                    think("ada", "e");
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> writer : writers) {
      writer.get(30, TimeUnit.SECONDS);
    }
    Await.until(
        () -> {
          synchronized (received) {
            return received.size() >= 3 * perWriter;
          }
        },
        Duration.ofSeconds(20),
        "every event written");
    synchronized (received) {
      assertEquals(3 * perWriter, received.size(), "every event once");
      long previous = 0;
      for (String line : received) {
        long number = Long.parseLong(line.replaceAll(".*\"id\":\"t3st-([0-9]+)\".*", "$1"));
        assertTrue(number > previous, "in order: " + number + " after " + previous);
        previous = number;
      }
    }
  }

  /**
   * Every event owed to a connection (logged while it was open) ends written or failed, exactly
   * once; what is logged while a user has none is held; replays are counted apart.
   */
  @Test
  void everyOwedDeliveryIsWrittenOrFailedAndTheCountsAddUp() {
    think("ada", "before anyone"); // held: no connection yet
    HeldTransport first = held;
    HeldTransport second = new HeldTransport();
    Outbox reading = attached(first);
    Outbox stalling = outbox(second, 100, 1_000_000);
    stalling.attach(log.open("ada", "t3st-1"), true); // a resume: its replay is empty
    for (int i = 0; i < 5; i++) {
      think("ada", "e" + i);
    }
    reading.flush();
    stalling.flush();
    first.complete(); // e0..e4 went out in one frame
    second.complete(); // the resumed message
    reading.flush();
    stalling.flush(); // e0..e4 in flight to the second, never completed
    think("ada", "late");
    reading.flush();
    stalling.close(Outbox.CLOSED); // the client went away with a frame in flight and one unread
    second.fail(new IOException("the session closed")); // as the container ends what was in flight
    first.complete();
    reading.close(Outbox.CLOSED);

    assertEquals(1, log.store().held());
    assertEquals(12, log.store().owed(), "six events, two connections open for each");
    assertEquals(6, deliveries.written.get(), "all six on the first connection");
    assertEquals(6, deliveries.failedTotal(), "five in flight and one unread on the second");
    assertEquals(6, deliveries.failed.get(Outbox.CLOSED), "all for the reason it ended");
    assertEquals(log.store().owed(), deliveries.written.get() + deliveries.failedTotal());
  }

  /**
   * Sizes of the retention bound for tests: room for {@code events} thinking events of that text.
   */
  private static final class EventStoreSizes {
    static long of(int events, int chars) {
      return events * (chars + 200L);
    }
  }
}
