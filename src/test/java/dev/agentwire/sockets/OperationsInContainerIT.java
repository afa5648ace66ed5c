package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.testing.Await;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.Scrape;
import dev.agentwire.testing.WireClient;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In the container, what only the inside can provoke: a writer held by one connection's write turns
 * {@code health/live} to 503, and it is 200 again once a new writer took over; the watchdog reports
 * a silent run and ends one that lasts too long as {@code failed} {@code timeout}; and every event
 * owed to a connection ends written or failed, so that the counters add up under load.
 */
@ExtendWith(ArquillianExtension.class)
class OperationsInContainerIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Deployment
  static WebArchive deployment() {
    return Deployments.agentwire(
            "agentwire.ws.writer-stall-ms=1000",
            "agentwire.runs.silence-warn-ms=1000",
            "agentwire.runs.max-duration-ms=1500")
        .addPackage(WireClient.class.getPackage());
  }

  @ArquillianResource URL base;
  @Inject Flusher flusher;
  @Inject UserSessions sessions;
  @Inject RunRegistry registry;

  @Test
  void aHeldWriterTurnsLivenessDownUntilANewWriterTakesOver() throws Exception {
    assertEquals(200, status("health/live"));
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean dirty = new AtomicBoolean();
    Subscriber stuck =
        new Subscriber() {
          @Override
          public void flush() {
            try {
              release.await(30, TimeUnit.SECONDS); // a write that does not come back
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public boolean markDirty() {
            return dirty.compareAndSet(false, true);
          }

          @Override
          public void clearDirty() {
            dirty.set(false);
          }

          @Override
          public long backlog() {
            return 0;
          }

          @Override
          public void heartbeat(long nowNanos) {}
        };
    double restartsBefore = Scrape.of(base).value("agentwire_writer_restarts_total");
    try (WireClient client = WireClient.connect(base, "writer-watcher")) {
      flusher.schedule(stuck);
      client.send("{\"type\":\"ping\",\"request_id\":\"queued\"}"); // waits behind the stuck write
      Await.until(() -> status("health/live") == 503, Duration.ofSeconds(10), "live turns 503");
      JsonObject down = json(body("health/live"));
      assertEquals("DOWN", down.getString("status"));
      assertEquals(
          "agentwire-writer", down.getJsonArray("checks").getJsonObject(0).getString("name"));

      Await.until(() -> status("health/live") == 200, Duration.ofSeconds(15), "live is 200 again");
      assertEquals("pong", client.reply("queued").getString("type"), "the new writer wrote it");
      assertEquals(
          restartsBefore + 1, Scrape.of(base).value("agentwire_writer_restarts_total"), 0.0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void theWatchdogReportsASilentRunAndEndsOneThatLastsTooLongAsTimeout() {
    Scrape before = Scrape.of(base);
    try (WireClient client = WireClient.connect(base, "sleeper")) {
      String run =
          client.startScript(
              "long",
              "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":2900}},{\"think\":\"never\"}]}");
      List<JsonObject> events = client.runEvents(run);
      JsonObject end = events.get(events.size() - 1).getJsonObject("data");
      assertEquals("failed", end.getString("status"), end.toString());
      assertEquals("timeout", end.getJsonObject("error").getString("code"));
      JsonObject tool =
          events.stream()
              .filter(m -> "tool_completed".equals(m.getString("type")))
              .findFirst()
              .orElseThrow()
              .getJsonObject("data");
      assertEquals("cancelled", tool.getString("status"), "the open tool call is closed");
      assertTrue(tool.getString("error").contains("maximum of 1500 ms"), tool.toString());
    }
    Scrape after = Scrape.of(base);
    assertEquals(
        1,
        after.value("agentwire_runs_timed_out_total")
            - before.value("agentwire_runs_timed_out_total"),
        0.0);
    assertTrue(
        after.value("agentwire_runs_silent_total") > before.value("agentwire_runs_silent_total"),
        "the sleeping run was reported silent");
    assertEquals(
        1,
        after.value("agentwire_runs_completed_total{status=\"failed\"}")
            - before.valueOrZero("agentwire_runs_completed_total{status=\"failed\"}"),
        0.0);
  }

  /**
   * Under load (users with several tabs, one tab leaving mid-run, runs nobody watches), every
   * delivery owed to a connection ends written or failed, and events with no connection are held.
   */
  @Test
  void everyEventEndsWrittenHeldOrFailedAndTheCountersAddUp() throws Exception {
    Scrape before = Scrape.of(base);
    String script =
        "{\"steps\":[{\"think\":\"a\"},{\"tool\":\"echo\",\"arguments\":{\"x\":1}},"
            + "{\"think\":\"b\"}],\"output\":\"done\"}";
    List<WireClient> tabs = new ArrayList<>();
    try {
      for (int user = 0; user < 4; user++) {
        for (int tab = 0; tab < 3; tab++) {
          tabs.add(WireClient.connect(base, "count-" + user));
        }
      }
      List<String> runs = new ArrayList<>();
      for (int round = 0; round < 10; round++) {
        for (int user = 0; user < 4; user++) {
          runs.add(tabs.get(user * 3).startScript("r" + round + "-" + user, script));
        }
        if (round == 5) {
          tabs.get(1).close(); // a tab of user 0 leaves while runs go on
        }
      }
      for (int i = 0; i < runs.size(); i++) {
        tabs.get((i % 4) * 3).runEvents(runs.get(i));
      }
      // Runs nobody watches: their events are held for a resume.
      try (WireClient lone = WireClient.connect(base, "count-lonely")) {
        String run =
            lone.startScript(
                "unwatched", "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":1000}}]}");
        lone.close();
        Await.until(
            () -> sessions.connections("count-lonely") == 0, Duration.ofSeconds(10), "gone");
        assertTrue(run.startsWith("r-"));
        Await.until(
            () -> registry.running("count-lonely") == 0, Duration.ofSeconds(20), "the run ending");
      }
    } finally {
      tabs.forEach(WireClient::close);
    }
    Await.until(
        () -> sessions.openConnections() == 0, Duration.ofSeconds(20), "every connection closed");
    Await.until(
        () -> {
          Scrape now = Scrape.of(base);
          return delta(now, before, "agentwire_event_deliveries_owed_total")
              == delta(now, before, "agentwire_event_deliveries_total{outcome=\"written\"}")
                  + delta(now, before, "agentwire_event_deliveries_total{outcome=\"failed\"}");
        },
        Duration.ofSeconds(20),
        "owed = written + failed once nothing is pending");
    Scrape after = Scrape.of(base);
    double owed = delta(after, before, "agentwire_event_deliveries_owed_total");
    assertTrue(owed >= 40 * 6 * 2, "owed " + owed + ": 40 runs of 6 events, 2 or 3 tabs each");
    assertTrue(
        delta(after, before, "agentwire_event_deliveries_total{outcome=\"held\"}") >= 2,
        "the unwatched run's tool_completed and agent_completed, after its only tab left, are held");
  }

  private static double delta(Scrape after, Scrape before, String sample) {
    return after.valueOrZero(sample) - before.valueOrZero(sample);
  }

  private int status(String path) {
    return get(path).statusCode();
  }

  private String body(String path) {
    return get(path).body();
  }

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }

  private static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }
}
