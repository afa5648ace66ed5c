package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.EventStore.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-user streams of one log, read through cursors: ids, replay, every resume failure, each
 * retention bound, gaps, and cursors that fall out of what is kept.
 */
class EventStoreTest {

  private static final long HOUR = 3_600_000;
  private static final Retention UNBOUNDED =
      new Retention(1_000, HOUR, Long.MAX_VALUE, Long.MAX_VALUE, HOUR);

  private final MutableClock clock = new MutableClock();
  private final AtomicLong numbers = new AtomicLong();

  private EventStore store(Retention retention) {
    return new EventStore("ep0ch", retention, clock);
  }

  /** Appends an event whose wire form names its id and a label, padded to {@code size} chars. */
  private String append(EventStore store, String owner, String label, int size) {
    String[] id = new String[1];
    store.append(
        owner,
        numbers::incrementAndGet,
        n -> {
          id[0] = store.id(n);
          String json = "{\"id\":\"" + id[0] + "\",\"l\":\"" + label + "\"}";
          return json + " ".repeat(Math.max(0, size - json.length()));
        });
    return id[0];
  }

  private String append(EventStore store, String owner, String label) {
    return append(store, owner, label, 0);
  }

  private static List<String> labels(Cursor cursor) {
    List<String> labels = new ArrayList<>();
    while (true) {
      Cursor.Batch batch = cursor.next(Long.MAX_VALUE);
      assertFalse(batch.expired());
      if (batch.frames().isEmpty()) {
        return labels;
      }
      for (String frame : batch.frames()) {
        labels.add(frame.replaceAll(".*\"l\":\"([^\"]*)\".*", "$1"));
      }
    }
  }

  @Test
  void idsAreEpochDashNumberAndGrowAcrossUsers() {
    EventStore store = store(UNBOUNDED);
    String a = append(store, "ada", "a1");
    String b = append(store, "bob", "b1");
    String c = append(store, "ada", "a2");
    assertEquals(List.of("ep0ch-1", "ep0ch-2", "ep0ch-3"), List.of(a, b, c));
    assertEquals(3, store.lastNumber());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER", "has-dash", "a b"})
  void anEpochThatCannotPrefixAnIdIsRefused(String epoch) {
    assertThrows(IllegalArgumentException.class, () -> new EventStore(epoch, UNBOUNDED, clock));
  }

  @Test
  void numbersMustGrowWithinAStream() {
    EventStore store = store(UNBOUNDED);
    store.append("ada", () -> 5, n -> "{}");
    assertThrows(IllegalArgumentException.class, () -> store.append("ada", () -> 5, n -> "{}"));
  }

  @Test
  void aFreshCursorReadsOnlyWhatComesAfterItOpened() {
    EventStore store = store(UNBOUNDED);
    append(store, "ada", "before");
    try (Cursor cursor = store.open("ada", null)) {
      assertNull(cursor.failure());
      assertFalse(cursor.replaying());
      assertEquals(List.of(), labels(cursor));
      append(store, "ada", "a1");
      append(store, "bob", "b1");
      append(store, "ada", "a2");
      assertEquals(List.of("a1", "a2"), labels(cursor));
      assertEquals(List.of(), labels(cursor), "each event once");
    }
  }

  @Test
  void aResumeReplaysExactlyWhatFollowsTheIdThenGoesLive() {
    EventStore store = store(UNBOUNDED);
    String first = append(store, "ada", "a1");
    append(store, "ada", "a2");
    append(store, "bob", "b1");
    append(store, "ada", "a3");
    try (Cursor cursor = store.open("ada", first)) {
      assertNull(cursor.failure());
      assertEquals(2, cursor.replayed());
      assertTrue(cursor.replaying());
      append(store, "ada", "live"); // after opening: not part of the replay
      Cursor.Batch replay = cursor.next(Long.MAX_VALUE);
      assertEquals(2, replay.frames().size(), "the replay stops at the stream's end at opening");
      assertFalse(cursor.replaying());
      assertEquals(List.of("live"), labels(cursor));
    }
  }

  /**
   * The replay ends at the log's last number when the cursor opened, which may be another user's:
   * with nothing more of this user's up to there, the replay is over, not stuck.
   */
  @Test
  void aReplayEndsWhenTheLogsLastEventIsAnotherUsers() {
    EventStore store = store(UNBOUNDED);
    String adas = append(store, "ada", "a1");
    append(store, "bob", "b1");
    append(store, "bob", "b2");
    try (Cursor cursor = store.open("ada", adas)) {
      assertEquals(0, cursor.replayed());
      assertTrue(cursor.replaying());
      assertEquals(List.of(), cursor.next(Long.MAX_VALUE).frames());
      assertFalse(cursor.replaying(), "nothing of ada's up to the end of the replay: it is over");
      append(store, "ada", "live");
      assertEquals(List.of("live"), labels(cursor));
    }
  }

  @Test
  void aBatchKeepsToItsBudgetButAlwaysTakesOneEvent() {
    EventStore store = store(UNBOUNDED);
    try (Cursor cursor = store.open("ada", null)) {
      for (int i = 0; i < 10; i++) {
        append(store, "ada", "e" + i, 1_000);
      }
      long each = EventStore.size("x".repeat(1_000));
      assertEquals(3, cursor.next(3 * each + 10).frames().size());
      assertEquals(1, cursor.next(5).frames().size(), "one event larger than the budget");
      assertEquals(10 * each - 4 * each, cursor.backlog());
      assertEquals(6, cursor.next(Long.MAX_VALUE).frames().size());
      assertEquals(0, cursor.backlog());
    }
  }

  @Test
  void everyResumeFailureHasItsReason() {
    EventStore store = store(UNBOUNDED);
    String adas = append(store, "ada", "a1");
    String bobs = append(store, "bob", "b1");
    assertEquals(ResumeFailures.INVALID_ID, store.open("ada", "nonsense").failure());
    assertEquals(ResumeFailures.INVALID_ID, store.open("ada", "ep0ch-01").failure());
    assertEquals(ResumeFailures.SERVER_RESTARTED, store.open("ada", "other-1").failure());
    assertEquals(ResumeFailures.UNKNOWN_ID, store.open("ada", "ep0ch-3").failure());
    assertEquals(
        ResumeFailures.UNKNOWN_ID, store.open("ada", "ep0ch-99999999999999999999999").failure());
    assertEquals(ResumeFailures.UNKNOWN_ID, store.open("ada", bobs).failure(), "another's id");
    assertNull(store.open("ada", adas).failure());
    assertNull(store.open("bob", bobs).failure());
  }

  @Test
  void aFailedResumeStillReadsLiveEvents() {
    EventStore store = store(UNBOUNDED);
    append(store, "ada", "a1");
    try (Cursor cursor = store.open("ada", "ep0ch-77")) {
      assertEquals(ResumeFailures.UNKNOWN_ID, cursor.failure());
      assertFalse(cursor.replaying());
      append(store, "ada", "a2");
      assertEquals(List.of("a2"), labels(cursor));
    }
  }

  @Test
  void eventsAreKeptWhileAmongTheLastOnesOrYoungerThanTheMaximumAge() {
    EventStore store = store(new Retention(3, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, HOUR));
    String first = append(store, "ada", "a1");
    for (int i = 2; i <= 5; i++) {
      append(store, "ada", "a" + i);
    }
    assertNull(store.open("ada", first).failure(), "young events are kept beyond the count");
    clock.advance(1_001);
    store.sweep();
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", first).failure());
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", "ep0ch-2").failure());
    try (Cursor cursor = store.open("ada", "ep0ch-3")) {
      assertEquals(List.of("a4", "a5"), labels(cursor), "the last three are kept however old");
    }
  }

  @Test
  void aUsersBytesAreBoundedAndTheNewestEventIsAlwaysKept() {
    EventStore store =
        store(
            new Retention(1_000, HOUR, 3 * EventStore.size("x".repeat(200)), Long.MAX_VALUE, HOUR));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(append(store, "ada", "a" + i, 200));
    }
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", ids.get(1)).failure());
    try (Cursor cursor = store.open("ada", ids.get(2))) {
      assertEquals(List.of("a3", "a4"), labels(cursor));
    }
    try (Cursor cursor = store.open("ada", null)) {
      append(store, "ada", "huge", 10_000);
      assertEquals(List.of("huge"), labels(cursor), "the newest stays even past the bound");
    }
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", ids.get(4)).failure());
  }

  @Test
  void overTheTotalTheUsersWhoHoldTheMostGiveUpTheirOldestFirst() {
    long each = EventStore.size("x".repeat(200));
    EventStore store = store(new Retention(1_000, HOUR, Long.MAX_VALUE, 10 * each, HOUR));
    String bobsFirst = append(store, "bob", "b0", 200);
    append(store, "bob", "b1", 200);
    List<String> adas = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      adas.add(append(store, "ada", "a" + i, 200));
    }
    assertTrue(store.totalBytes() <= 10 * each, "total " + store.totalBytes());
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", adas.get(0)).failure());
    assertNull(store.open("bob", bobsFirst).failure(), "the small user keeps everything");
  }

  /** With thousands of users over the total, an append must not scan them all each time. */
  @Test
  void keepingToTheTotalStaysCheapWithThousandsOfUsers() {
    long each = EventStore.size("x".repeat(200));
    EventStore store = store(new Retention(1_000, HOUR, Long.MAX_VALUE, 20_000 * each, HOUR));
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int round = 0; round < 20; round++) {
            for (int user = 0; user < 5_000; user++) {
              append(store, "u" + user, "e", 200);
              assertTrue(store.totalBytes() <= 20_000 * each + each, "total over its bound");
            }
          }
        });
    assertTrue(store.evicted() >= 80_000, "evicted " + store.evicted());
  }

  @Test
  void aCursorThatRetentionOvertakesIsToldItExpired() {
    long each = EventStore.size("x".repeat(200));
    EventStore store = store(new Retention(1_000, HOUR, 4 * each, Long.MAX_VALUE, HOUR));
    try (Cursor slow = store.open("ada", null);
        Cursor fast = store.open("ada", null)) {
      for (int i = 0; i < 3; i++) {
        append(store, "ada", "a" + i, 200);
      }
      assertEquals(3, labels(fast).size());
      assertEquals(1, slow.next(1).frames().size());
      for (int i = 3; i < 8; i++) {
        append(store, "ada", "a" + i, 200);
        assertEquals(1, labels(fast).size());
      }
      assertTrue(slow.next(Long.MAX_VALUE).expired(), "a2 was dropped before it was read");
      assertFalse(fast.next(Long.MAX_VALUE).expired(), "the reader that kept up goes on");
    }
  }

  @Test
  void anIdleUsersStreamIsDroppedUnlessACursorHoldsIt() {
    EventStore store = store(new Retention(1_000, HOUR, Long.MAX_VALUE, Long.MAX_VALUE, 10_000));
    String adas = append(store, "ada", "a1");
    String bobs = append(store, "bob", "b1");
    Cursor bobsTab = store.open("bob", null);
    clock.advance(10_001);
    store.sweep();
    assertEquals(1, store.users(), "ada's stream went, bob's stays");
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", adas).failure());
    append(store, "bob", "b2");
    assertEquals(List.of("b2"), labels(bobsTab), "an open cursor keeps its stream");
    assertNull(store.open("bob", bobs).failure());
    bobsTab.close();
  }

  @Test
  void aGapExpiresEveryResumeAndCursorFromBeforeIt() {
    EventStore store = store(UNBOUNDED);
    store.append("ada", () -> 3, n -> "{\"id\":\"" + store.id(n) + "\",\"l\":\"a3\"}");
    Cursor before = store.open("ada", null);
    store.gap(10);
    store.append("ada", () -> 11, n -> "{\"id\":\"" + store.id(n) + "\",\"l\":\"a11\"}");
    assertEquals(ResumeFailures.EXPIRED, store.open("ada", "ep0ch-3").failure());
    assertTrue(before.next(Long.MAX_VALUE).expired());
    try (Cursor after = store.open("ada", "ep0ch-11")) {
      assertNull(after.failure());
      assertEquals(0, after.replayed());
    }
    before.close();
  }

  @Test
  void concurrentAppendsAndOpeningCursorsDeliverEachEventOnceInOrder() throws Exception {
    EventStore store = store(UNBOUNDED);
    ExecutorService writers = Executors.newFixedThreadPool(3);
    Cursor all = store.open("ada", null);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int writer = w;
        done.add(
            writers.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    append(store, "ada", writer + ":" + i);
                  }
                }));
      }
      // Cursors opened while the writers run each see a contiguous, ordered tail of the stream.
      List<List<String>> seen = new ArrayList<>();
      for (int c = 0; c < 20; c++) {
        Cursor cursor = store.open("ada", null);
        List<String> labels = new ArrayList<>();
        seen.add(labels);
        for (int spin = 0; spin < 5; spin++) {
          labels.addAll(labels(cursor));
        }
        cursor.close();
      }
      for (Future<?> writer : done) {
        writer.get(30, TimeUnit.SECONDS);
      }
      {
        List<String> everything = labels(all);
        assertEquals(6_000, everything.size());
        for (List<String> labels : seen) {
          if (!labels.isEmpty()) {
            int start = everything.indexOf(labels.get(0));
            assertEquals(everything.subList(start, start + labels.size()), labels);
          }
        }
      }
    } finally {
      all.close();
      writers.shutdownNow();
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private long millis = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();

    void advance(long by) {
      millis += by;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }
}
