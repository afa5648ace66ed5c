package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventData.AgentThinking;
import dev.agentwire.events.EventType;
import dev.agentwire.events.LocalEventHistory;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The hand-over between replay and live events under load: while several runs publish, clients keep
 * dropping and resuming from the last event they processed, and each ends with the user's whole
 * stream exactly once, in the order a never-disconnected tab saw it.
 */
class UserSessionsHandoverTest {

  private static final String USER = "ada";
  private static final int RUNS = 4;
  private static final int EVENTS_PER_RUN = 600;
  private static final int CLIENTS = 4;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final LocalEventHistory history =
      new LocalEventHistory(1_000_000, 3_600_000, 1L << 30, 1L << 31, 3_600_000, Clock.systemUTC());
  private final UserSessions sessions = new UserSessions(new WireFormat(), history);

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  /** A connection as the bridge sees it: a prelude, then live messages, all recorded. */
  private static final class Recorder implements Subscriber {
    private final List<String> messages = new ArrayList<>();

    @Override
    public synchronized void begin(List<String> prelude) {
      assertTrue(messages.isEmpty(), "the prelude must come first");
      messages.addAll(prelude);
      notifyAll();
    }

    @Override
    public synchronized void enqueue(String json) {
      messages.add(json);
      notifyAll();
    }

    @Override
    public void flush() {
      // Recorded at enqueue: the order is what the lock fixed, which is what this test checks.
    }

    @Override
    public long backlog() {
      return 0;
    }

    @Override
    public void heartbeat(long nowNanos) {
      throw new AssertionError("the bridge pings only from its scheduler, which this test has not");
    }

    @Override
    public boolean markDirty() {
      return true;
    }

    @Override
    public void clearDirty() {}

    synchronized int size() {
      return messages.size();
    }

    synchronized List<String> messages() {
      return new ArrayList<>(messages);
    }

    synchronized void awaitSize(int size, long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (messages.size() < size) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return; // the caller reconnects anyway: what arrived so far is what it processed
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @RepeatedTest(3)
  void resumingClientsSeeEveryEventExactlyOnceInOrder() throws Exception {
    Recorder liveTab = new Recorder();
    sessions.subscribe(USER, null, liveTab);
    AtomicBoolean producing = new AtomicBoolean(true);

    CountDownLatch attached = new CountDownLatch(CLIENTS);
    List<Future<List<JsonObject>>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(threads.submit(() -> flappingClient(producing, attached)));
    }
    // Every client is attached before the first event, so each must end with all of them.
    assertTrue(attached.await(10, TimeUnit.SECONDS), "the clients did not attach");
    List<Future<?>> runs = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      String runId = "r-" + r;
      runs.add(
          threads.submit(
              () -> {
                for (int seq = 1; seq <= EVENTS_PER_RUN; seq++) {
                  sessions.route(
                      new AgentEvent(
                          USER,
                          runId,
                          "t-1",
                          seq,
                          Instant.now(),
                          EventType.AGENT_THINKING,
                          new AgentThinking("step " + seq)));
                }
              }));
    }
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }
    producing.set(false);

    List<String> reference = ids(parse(liveTab.messages()));
    assertEquals(RUNS * EVENTS_PER_RUN, reference.size());
    assertEquals(reference.size(), new HashSet<>(reference).size(), "ids are unique");
    assertSeqOrderPerRun(parse(liveTab.messages()));

    for (Future<List<JsonObject>> client : clients) {
      List<JsonObject> processed = client.get(60, TimeUnit.SECONDS);
      assertSameStream(reference, ids(processed));
    }
  }

  /**
   * Drops and resumes after a random number of messages until the runs are done, then once more.
   */
  private List<JsonObject> flappingClient(AtomicBoolean producing, CountDownLatch attached)
      throws InterruptedException {
    List<JsonObject> processed = new ArrayList<>();
    String lastId = null;
    boolean last = false;
    while (!last) {
      last = !producing.get();
      Recorder connection = new Recorder();
      sessions.subscribe(USER, lastId, connection);
      if (lastId == null) {
        // Attached before the first event; with no id to resume from, it stays until it has one.
        attached.countDown();
        connection.awaitSize(1, 10_000);
      }
      connection.awaitSize(ThreadLocalRandom.current().nextInt(1, 200), last ? 0 : 20);
      sessions.unsubscribe(USER, connection);
      for (JsonObject message : parse(connection.messages())) {
        String type = message.getString("type");
        if (type.equals("resume_failed")) {
          throw new AssertionError("resume failed: " + message);
        }
        if (type.equals("resumed")) {
          continue;
        }
        processed.add(message);
        lastId = message.getString("id");
      }
    }
    return processed;
  }

  /** Says where two streams part, instead of printing thousands of ids. */
  private static void assertSameStream(List<String> expected, List<String> actual) {
    int common = Math.min(expected.size(), actual.size());
    for (int i = 0; i < common; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            "a resuming client's stream differs from a live tab's at position "
                + i
                + ": expected "
                + expected.get(i)
                + ", got "
                + actual.get(i));
      }
    }
    assertEquals(
        expected.size(), actual.size(), "a resuming client's stream has a different length");
  }

  private static List<JsonObject> parse(List<String> messages) {
    List<JsonObject> parsed = new ArrayList<>();
    for (String message : messages) {
      try (JsonReader reader = Json.createReader(new StringReader(message))) {
        parsed.add(reader.readObject());
      }
    }
    return parsed;
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  private static void assertSeqOrderPerRun(List<JsonObject> events) {
    Map<String, Integer> lastSeq = new HashMap<>();
    Set<String> runs = new HashSet<>();
    for (JsonObject event : events) {
      String run = event.getString("run_id");
      runs.add(run);
      int seq = event.getInt("seq");
      assertEquals(lastSeq.getOrDefault(run, 0) + 1, seq, "seq order of " + run);
      lastSeq.put(run, seq);
    }
    assertEquals(RUNS, runs.size());
  }
}
