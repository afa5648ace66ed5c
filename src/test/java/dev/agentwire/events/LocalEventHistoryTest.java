package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.EventData.AgentThinking;
import dev.agentwire.events.EventHistory.Reasons;
import dev.agentwire.events.EventHistory.Replay;
import dev.agentwire.events.EventHistory.Stored;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory history issues ids that order a user's stream and survive no restart, replays
 * exactly what a reconnecting client missed, says why when it cannot, and keeps within its bounds.
 */
class LocalEventHistoryTest {

  private static final Instant CREATED = Instant.parse("2026-11-26T04:12:49.120Z");
  private static final long START = CREATED.toEpochMilli();
  private static final long HOUR = 3_600_000;
  private static final Pattern ID = Pattern.compile("[0-9a-z]+-[1-9][0-9]*");

  /** Padded events all have this wire length, so each accounts for exactly {@link #SIZE}. */
  private static final int PADDED = 200;

  private static final long SIZE = PADDED + LocalEventHistory.OVERHEAD_BYTES;

  private final MutableClock clock = new MutableClock(START);

  // ---------------------------------------------------------------- ids

  @Test
  void idsAreBootDashNumberWithOneBootAndNumbersIncreasingInAppendOrderAcrossUsers() {
    LocalEventHistory history = unbounded();
    List<Stored> stored = new ArrayList<>();
    for (int k = 1; k <= 6; k++) {
      stored.add(append(history, k % 2 == 0 ? "eve" : "ada", k));
    }
    String boot = boot(stored.get(0).id());
    long previous = 0;
    for (int k = 1; k <= 6; k++) {
      String id = stored.get(k - 1).id();
      assertTrue(ID.matcher(id).matches(), "not <boot>-<n>: " + id);
      assertEquals(boot, boot(id));
      assertTrue(number(id) > previous, id + " does not follow number " + previous);
      previous = number(id);
      assertEquals(json(id, k), stored.get(k - 1).json());
    }
  }

  @Test
  void eachInstanceHasItsOwnBootLikeAServerAfterARestart() {
    String before = append(unbounded(), "ada", 1).id();
    String after = append(unbounded(), "ada", 1).id();
    assertNotEquals(boot(before), boot(after));
    assertEquals(number(before), number(after));
  }

  // ---------------------------------------------------------------- replay

  @Test
  void inClusterModeIdsAreTheLogsEpochAndNumberAndReplayWorksOnThem() {
    LocalEventHistory history = unbounded();
    String before = append(history, "ada", 1).id();
    history.useEpoch("1et9xyz");
    Stored first = history.appendAs("ada", 7, id -> json(id, 1));
    history.appendAs("bob", 8, id -> json(id, 1));
    Stored third = history.appendAs("ada", 12, id -> json(id, 2));

    assertEquals("1et9xyz-7", first.id());
    assertEquals("1et9xyz-12", third.id());
    assertEquals(List.of(json("1et9xyz-12", 2)), history.replayAfter("ada", first.id()).events());
    assertEquals(
        Reasons.SERVER_RESTARTED,
        history.replayAfter("ada", before).failure(),
        "an id from before the epoch was set belongs to another history");
    assertEquals(Reasons.UNKNOWN_ID, history.replayAfter("ada", "1et9xyz-13").failure());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER", "has-dash", "a b"})
  void anEpochThatCannotPrefixAnIdIsRefused(String epoch) {
    LocalEventHistory history = unbounded();
    assertThrows(IllegalArgumentException.class, () -> history.useEpoch(epoch));
  }

  @Test
  void replayAfterAnIdReturnsExactlyTheLaterEventsInOrderAsSerialized() {
    LocalEventHistory history = unbounded();
    List<Stored> stored = appendAll(history, "ada", 5);
    for (int k = 0; k < 5; k++) {
      Replay replay = history.replayAfter("ada", stored.get(k).id());
      List<String> expected = new ArrayList<>();
      for (int later = k + 1; later < 5; later++) {
        expected.add(json(stored.get(later).id(), later + 1));
      }
      assertNull(replay.failure());
      assertEquals(expected, replay.events(), "after event " + (k + 1));
    }
  }

  @Test
  void replayAfterTheNewestIdIsEmptyAndSucceeds() {
    LocalEventHistory history = unbounded();
    List<Stored> stored = appendAll(history, "ada", 3);
    Replay replay = history.replayAfter("ada", stored.get(2).id());
    assertTrue(replay.ok());
    assertEquals(List.of(), replay.events());
  }

  @Test
  void aReplayHoldsTheUsersOwnEventsOnly() {
    LocalEventHistory history = unbounded();
    Stored ada1 = append(history, "ada", 1);
    Stored eve1 = append(history, "eve", 1);
    Stored ada2 = append(history, "ada", 2);
    Stored eve2 = append(history, "eve", 2);
    Stored ada3 = append(history, "ada", 3);
    Stored eve3 = append(history, "eve", 3);

    assertEquals(
        Replay.of(List.of(ada2.json(), ada3.json())), history.replayAfter("ada", ada1.id()));
    assertEquals(
        Replay.of(List.of(eve2.json(), eve3.json())), history.replayAfter("eve", eve1.id()));
    assertEquals(Replay.of(List.of(ada3.json())), history.replayAfter("ada", ada2.id()));
  }

  @Test
  void anotherUsersIdIsUnknown() {
    LocalEventHistory history = unbounded();
    Stored ada1 = append(history, "ada", 1);
    Stored eve1 = append(history, "eve", 1);
    Stored ada2 = append(history, "ada", 2);
    append(history, "eve", 2);

    assertEquals(Replay.failed("unknown_id"), history.replayAfter("ada", eve1.id()));
    assertEquals(Replay.failed("unknown_id"), history.replayAfter("eve", ada2.id()));
    // ada's own stream is unaffected by the attempts
    assertEquals(Replay.of(List.of(ada2.json())), history.replayAfter("ada", ada1.id()));
  }

  // ---------------------------------------------------------------- failures

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "abc-", "-5", "abc-xyz", "abc-0"})
  void malformedIdsAreInvalid(String id) {
    LocalEventHistory history = unbounded();
    appendAll(history, "ada", 3);
    assertEquals(Replay.failed("invalid_id"), history.replayAfter("ada", id));
  }

  @Test
  void malformedIdsWithThisInstancesBootAreInvalid() {
    LocalEventHistory history = unbounded();
    String boot = boot(appendAll(history, "ada", 3).get(0).id());
    for (String id : List.of(boot + "-0", boot + "-", boot + "-x", boot + "-1-")) {
      Replay replay = history.replayAfter("ada", id);
      assertEquals("invalid_id", replay.failure(), id);
      assertEquals(List.of(), replay.events(), id);
    }
  }

  @Test
  void anIdFromAnotherInstanceMeansTheServerRestarted() {
    LocalEventHistory before = unbounded();
    List<Stored> old = appendAll(before, "ada", 5);
    LocalEventHistory after = unbounded();
    appendAll(after, "ada", 3);

    // the same number was issued by this instance too, and one it has not reached yet
    assertEquals(Replay.failed("server_restarted"), after.replayAfter("ada", old.get(0).id()));
    assertEquals(Replay.failed("server_restarted"), after.replayAfter("ada", old.get(4).id()));
  }

  @Test
  void anIdOfThisBootBeyondAnyIssuedIsUnknown() {
    LocalEventHistory history = unbounded();
    List<Stored> stored = appendAll(history, "ada", 3);
    String newest = stored.get(2).id();
    String boot = boot(newest);

    assertEquals(
        Replay.failed("unknown_id"), history.replayAfter("ada", boot + "-" + (number(newest) + 1)));
    assertEquals(Replay.failed("unknown_id"), history.replayAfter("ada", boot + "-1000000"));
    assertEquals(Replay.failed("unknown_id"), history.replayAfter("bob", boot + "-1000000"));
  }

  @Test
  void aUserWithNoHistoryGetsExpiredForAnIdOfThisBoot() {
    LocalEventHistory history = unbounded();
    List<Stored> stored = appendAll(history, "ada", 2);
    assertEquals(Replay.failed("expired"), history.replayAfter("bob", stored.get(0).id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("bob", stored.get(1).id()));
    assertEquals(1, history.users(), "looking bob up must not create a history for him");
  }

  // ---------------------------------------------------------------- retention by count and age

  @Test
  void youngEventsAreAllKeptBeyondMaxEvents() {
    LocalEventHistory history =
        new LocalEventHistory(3, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
    List<Stored> stored = appendAll(history, "ada", 5);
    history.sweep();
    assertEquals(
        Replay.of(jsons(stored.subList(1, 5))), history.replayAfter("ada", stored.get(0).id()));
  }

  @Test
  void pastMaxAgeOnlyTheLastMaxEventsRemain() {
    LocalEventHistory history =
        new LocalEventHistory(3, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
    List<Stored> stored = appendAll(history, "ada", 5);
    clock.advance(1_001);
    stored.add(append(history, "ada", 6));

    for (int evicted = 0; evicted < 3; evicted++) {
      assertEquals(
          Replay.failed("expired"),
          history.replayAfter("ada", stored.get(evicted).id()),
          "event " + (evicted + 1));
    }
    assertEquals(
        Replay.of(jsons(stored.subList(4, 6))), history.replayAfter("ada", stored.get(3).id()));
    assertEquals(
        3 * size(stored.get(3)), history.totalBytes(), "events 4 to 6, all the same length");
  }

  @Test
  void anEventExactlyMaxAgeOldIsStillKept() {
    LocalEventHistory history =
        new LocalEventHistory(3, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
    List<Stored> stored = appendAll(history, "ada", 5);
    clock.advance(1_000);
    stored.add(append(history, "ada", 6));
    history.sweep();

    assertEquals(
        Replay.of(jsons(stored.subList(1, 6))), history.replayAfter("ada", stored.get(0).id()));
  }

  @Test
  void oldEventsAreAllKeptWhileThereAreNoMoreThanMaxEvents() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, 10 * HOUR, clock);
    List<Stored> stored = new ArrayList<>();
    for (int k = 1; k <= 1_000; k++) {
      stored.add(appendPadded(history, "ada", k));
    }
    clock.advance(HOUR);
    history.sweep();

    assertEquals(1_000 * SIZE, history.totalBytes());
    assertEquals(
        Replay.of(jsons(stored.subList(1, 1_000))), history.replayAfter("ada", stored.get(0).id()));
  }

  @Test
  void oldEventsGoBeyondMaxEventsButYoungOnesStay() {
    LocalEventHistory history =
        new LocalEventHistory(3, 1_000, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
    List<Stored> stored = new ArrayList<>(appendAll(history, "ada", 2));
    clock.advance(900);
    for (int k = 3; k <= 6; k++) {
      stored.add(append(history, "ada", k));
    }
    clock.advance(200); // events 1 and 2 are 1100 ms old, 3 to 6 are 200 ms old
    history.sweep();

    assertEquals(Replay.failed("expired"), history.replayAfter("ada", stored.get(0).id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", stored.get(1).id()));
    assertEquals(
        Replay.of(jsons(stored.subList(3, 6))), history.replayAfter("ada", stored.get(2).id()));
  }

  // ---------------------------------------------------------------- byte bounds

  @Test
  void aUsersOldestEventsGoOnceItsBytesPassTheBoundEvenIfYoungAndFew() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, HOUR, 3 * SIZE, Long.MAX_VALUE, HOUR, clock);
    List<Stored> ada = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      ada.add(appendPadded(history, "ada", k));
    }
    assertEquals(3 * SIZE, history.totalBytes(), "exactly at the bound is within it");
    assertEquals(Replay.of(jsons(ada.subList(1, 3))), history.replayAfter("ada", ada.get(0).id()));

    ada.add(appendPadded(history, "ada", 4));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada.get(0).id()));
    assertEquals(Replay.of(jsons(ada.subList(2, 4))), history.replayAfter("ada", ada.get(1).id()));
    assertEquals(3 * SIZE, history.totalBytes());

    // the bound is per user: eve's events do not push ada's out
    List<Stored> eve = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      eve.add(appendPadded(history, "eve", k));
    }
    assertEquals(6 * SIZE, history.totalBytes());
    assertEquals(Replay.of(jsons(ada.subList(2, 4))), history.replayAfter("ada", ada.get(1).id()));
    assertEquals(Replay.of(jsons(eve.subList(1, 3))), history.replayAfter("eve", eve.get(0).id()));
  }

  @Test
  void overTheTotalBoundTheAppenderGivesUpItsOwnOldestFirst() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, HOUR, Long.MAX_VALUE, 3 * SIZE, HOUR, clock);
    Stored eve1 = appendPadded(history, "eve", 1); // the oldest event of all
    Stored ada1 = appendPadded(history, "ada", 1);
    Stored ada2 = appendPadded(history, "ada", 2);
    assertEquals(3 * SIZE, history.totalBytes());

    Stored ada3 = appendPadded(history, "ada", 3);

    assertEquals(3 * SIZE, history.totalBytes());
    assertEquals(Replay.of(List.of()), history.replayAfter("eve", eve1.id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada1.id()));
    assertEquals(Replay.of(List.of(ada3.json())), history.replayAfter("ada", ada2.id()));
  }

  @Test
  void overTheTotalBoundOthersGiveUpTheirOldestWhenTheAppenderHasOneEventLeft() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, HOUR, Long.MAX_VALUE, 3 * SIZE, HOUR, clock);
    Stored ada1 = appendPadded(history, "ada", 1);
    Stored ada2 = appendPadded(history, "ada", 2);
    Stored ada3 = appendPadded(history, "ada", 3);

    Stored eve1 = appendPadded(history, "eve", 1);

    assertEquals(3 * SIZE, history.totalBytes());
    assertEquals(Replay.of(List.of()), history.replayAfter("eve", eve1.id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada1.id()));
    assertEquals(Replay.of(List.of(ada3.json())), history.replayAfter("ada", ada2.id()));

    // with two events of its own, eve gives up her older one rather than ada's
    Stored eve2 = appendPadded(history, "eve", 2);
    assertEquals(3 * SIZE, history.totalBytes());
    assertEquals(Replay.failed("expired"), history.replayAfter("eve", eve1.id()));
    assertEquals(Replay.of(List.of()), history.replayAfter("eve", eve2.id()));
    assertEquals(Replay.of(List.of(ada3.json())), history.replayAfter("ada", ada2.id()));
  }

  @Test
  void theTotalNeverPassesTheBoundByMoreThanOneEventAndMatchesWhatIsKept() {
    long maxBytes = 5_000;
    LocalEventHistory history =
        new LocalEventHistory(1_000, HOUR, Long.MAX_VALUE, maxBytes, HOUR, clock);
    List<String> owners = List.of("ada", "eve", "bob");
    Map<String, List<Stored>> stored = new HashMap<>();
    long largest = 0;
    for (int k = 1; k <= 300; k++) {
      String owner = owners.get((k * 7) % 3);
      int length = 50 + (k * 137) % 600;
      Stored appended = history.append(event(owner, k), id -> pad(json(id, 0), length));
      stored.computeIfAbsent(owner, o -> new ArrayList<>()).add(appended);
      largest = Math.max(largest, size(appended));

      assertTrue(
          history.totalBytes() <= maxBytes + largest,
          "after append " + k + ": " + history.totalBytes() + " bytes");
      assertEquals(
          Replay.of(List.of()),
          history.replayAfter(owner, appended.id()),
          "the newest event is kept");
      long kept = 0;
      for (String o : stored.keySet()) {
        for (String json : kept(history, o, stored.get(o))) {
          kept += json.length() + LocalEventHistory.OVERHEAD_BYTES;
        }
      }
      assertEquals(kept, history.totalBytes(), "after append " + k);
    }
  }

  // ---------------------------------------------------------------- idle sweep

  @Test
  void sweepDropsAHistoryIdleForLongerThanTheIdleTtl() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, 100 * HOUR, Long.MAX_VALUE, Long.MAX_VALUE, 10_000, clock);
    Stored ada1 = appendPadded(history, "ada", 1);
    Stored ada2 = appendPadded(history, "ada", 2);
    clock.advance(6_000);
    Stored eve1 = appendPadded(history, "eve", 1);

    clock.set(START + 10_000); // ada idle exactly the TTL: not past it
    history.sweep();
    assertEquals(2, history.users());
    assertEquals(3 * SIZE, history.totalBytes());
    assertEquals(Replay.of(List.of(ada2.json())), history.replayAfter("ada", ada1.id()));

    clock.advance(1);
    history.sweep();
    assertEquals(1, history.users());
    assertEquals(SIZE, history.totalBytes());
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada1.id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada2.id()));
    assertEquals(Replay.of(List.of()), history.replayAfter("eve", eve1.id()));
  }

  @Test
  void theIdleTtlCountsFromTheLastAppend() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, 100 * HOUR, Long.MAX_VALUE, Long.MAX_VALUE, 10_000, clock);
    Stored ada1 = appendPadded(history, "ada", 1);
    clock.advance(8_000);
    Stored ada2 = appendPadded(history, "ada", 2);
    clock.set(START + 10_001);
    history.sweep();

    assertEquals(1, history.users());
    assertEquals(2 * SIZE, history.totalBytes());
    assertEquals(Replay.of(List.of(ada2.json())), history.replayAfter("ada", ada1.id()));
  }

  @Test
  void aSweptUserCanAppendAgainAndTheirOldIdsStayExpired() {
    LocalEventHistory history =
        new LocalEventHistory(1_000, 100 * HOUR, Long.MAX_VALUE, Long.MAX_VALUE, 10_000, clock);
    Stored ada1 = appendPadded(history, "ada", 1);
    Stored ada2 = appendPadded(history, "ada", 2);
    clock.advance(10_001);
    history.sweep();
    assertEquals(0, history.users());

    Stored ada3 = appendPadded(history, "ada", 3);
    Stored ada4 = appendPadded(history, "ada", 4);

    assertEquals(1, history.users());
    assertEquals(2 * SIZE, history.totalBytes());
    assertEquals(boot(ada1.id()), boot(ada3.id()));
    assertTrue(number(ada3.id()) > number(ada2.id()));
    assertEquals(Replay.of(List.of(ada4.json())), history.replayAfter("ada", ada3.id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada1.id()));
    assertEquals(Replay.failed("expired"), history.replayAfter("ada", ada2.id()));
  }

  @Test
  void totalBytesReturnsToZeroOnceEveryHistoryIsSwept() {
    // tight bounds, so that per-user and total evictions happen before the sweep
    LocalEventHistory history = new LocalEventHistory(5, 1_000, 2_000, 4_000, 10_000, clock);
    for (int k = 1; k <= 60; k++) {
      int length = 40 + (k * 53) % 400;
      history.append(
          event(List.of("ada", "eve", "bob").get(k % 3), k), id -> pad(json(id, 0), length));
      if (k % 10 == 0) {
        clock.advance(700);
      }
    }
    assertEquals(3, history.users());
    assertTrue(history.totalBytes() > 0);

    clock.advance(10_001);
    history.sweep();

    assertEquals(0, history.users());
    assertEquals(0, history.totalBytes());
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentAppendsKeepEachUsersStreamCompleteOrderedAndUnique() throws Exception {
    LocalEventHistory history =
        new LocalEventHistory(100_000, HOUR, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
    List<String> owners = List.of("ada", "eve", "bob", "kim");
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Stored>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String owner = owners.get(t % owners.size());
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  List<Stored> mine = new ArrayList<>(perThread);
                  for (int k = 0; k < perThread; k++) {
                    int n = thread * perThread + k;
                    mine.add(history.append(event(owner, n), id -> json(id, n)));
                  }
                  return mine;
                }));
      }
      go.countDown();
      Map<String, List<Stored>> byOwner = new HashMap<>();
      for (int t = 0; t < threads; t++) {
        List<Stored> mine = futures.get(t).get(60, TimeUnit.SECONDS);
        assertEquals(perThread, mine.size());
        for (int k = 1; k < mine.size(); k++) {
          assertTrue(number(mine.get(k).id()) > number(mine.get(k - 1).id()), "thread " + t);
        }
        byOwner.computeIfAbsent(owners.get(t % owners.size()), o -> new ArrayList<>()).addAll(mine);
      }

      Set<String> ids = new HashSet<>();
      byOwner.values().forEach(list -> list.forEach(s -> ids.add(s.id())));
      assertEquals(threads * perThread, ids.size(), "every id is unique");

      long bytes = 0;
      for (String owner : owners) {
        List<Stored> all = new ArrayList<>(byOwner.get(owner));
        assertEquals(2 * perThread, all.size());
        all.sort(Comparator.comparingLong(s -> number(s.id())));
        Replay replay = history.replayAfter(owner, all.get(0).id());
        assertEquals(Replay.of(jsons(all.subList(1, all.size()))), replay, owner);
        for (Stored s : all) {
          bytes += size(s);
        }
      }
      assertEquals(bytes, history.totalBytes());
      assertEquals(4, history.users());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  // ---------------------------------------------------------------- helpers

  @Test
  void idsNotInTheIssuedFormAreInvalidEvenIfTheyParseAsNumbers() {
    LocalEventHistory history = unbounded();
    Stored first = append(history, "ada", 1);
    append(history, "ada", 2);
    String boot = boot(first.id());
    for (String id : List.of(boot + "-+1", boot + "-01", boot + "--1", "x-" + boot + "-1")) {
      assertEquals(Reasons.INVALID_ID, history.replayAfter("ada", id).failure(), id);
    }
  }

  @Test
  void anEventLargerThanTheUserBoundIsStillKeptAsTheNewest() {
    LocalEventHistory history =
        new LocalEventHistory(1000, HOUR, 1000, Long.MAX_VALUE, HOUR, clock);
    append(history, "ada", 1);
    Stored big =
        history.append(
            event("ada", 2), id -> "{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(2000) + "\"}");
    assertEquals(Replay.of(List.of()), history.replayAfter("ada", big.id()));
  }

  private LocalEventHistory unbounded() {
    return new LocalEventHistory(1_000, HOUR, Long.MAX_VALUE, Long.MAX_VALUE, HOUR, clock);
  }

  private static AgentEvent event(String owner, long seq) {
    return new AgentEvent(
        owner,
        "run-" + owner,
        "thread-" + owner,
        seq,
        CREATED,
        EventType.AGENT_THINKING,
        new AgentThinking("step " + seq));
  }

  private static String json(String id, int k) {
    return "{\"id\":\"" + id + "\",\"n\":" + k + "}";
  }

  private static String pad(String json, int length) {
    assertTrue(json.length() <= length, json);
    return json + " ".repeat(length - json.length());
  }

  private static Stored append(LocalEventHistory history, String owner, int k) {
    return history.append(event(owner, k), id -> json(id, k));
  }

  private static Stored appendPadded(LocalEventHistory history, String owner, int k) {
    return history.append(event(owner, k), id -> pad(json(id, k), PADDED));
  }

  private static List<Stored> appendAll(LocalEventHistory history, String owner, int count) {
    List<Stored> stored = new ArrayList<>();
    for (int k = 1; k <= count; k++) {
      stored.add(append(history, owner, k));
    }
    return stored;
  }

  private static List<String> jsons(List<Stored> stored) {
    return stored.stream().map(Stored::json).toList();
  }

  private static long size(Stored stored) {
    return stored.json().length() + LocalEventHistory.OVERHEAD_BYTES;
  }

  private static String boot(String id) {
    return id.substring(0, id.lastIndexOf('-'));
  }

  private static long number(String id) {
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }

  /**
   * What the history still keeps of an owner's events, found through replays: from the oldest
   * appended event it can resume from on. What is kept must be a suffix of what was appended.
   */
  private static List<String> kept(LocalEventHistory history, String owner, List<Stored> appended) {
    for (int i = 0; i < appended.size(); i++) {
      Replay replay = history.replayAfter(owner, appended.get(i).id());
      if (replay.ok()) {
        List<String> kept = new ArrayList<>();
        kept.add(appended.get(i).json());
        kept.addAll(replay.events());
        assertEquals(jsons(appended.subList(i, appended.size())), kept, owner + " keeps a suffix");
        return kept;
      }
      assertEquals("expired", replay.failure(), owner + " event " + (i + 1));
    }
    return List.of();
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private final AtomicLong millis;

    MutableClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void advance(long ms) {
      millis.addAndGet(ms);
    }

    void set(long ms) {
      millis.set(ms);
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
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
