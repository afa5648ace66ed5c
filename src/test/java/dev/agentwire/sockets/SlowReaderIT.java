package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.RawWebSocket;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.Scrape;
import dev.agentwire.testing.WireClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * From outside, on every server profile: a tab that stops reading while its user's runs produce
 * megabytes costs other users nothing; what waits for it is its user's events in the log, bounded
 * by retention, not a copy per connection. Here retention is small on purpose, so that the agents
 * overtake the stalled tab: it is closed with 1013, and its resume honestly says {@code expired}.
 * (At the default settings the same tab resumes with everything: {@code StalledTabResumesIT}.)
 */
@ExtendWith(ArquillianExtension.class)
class SlowReaderIT {

  private static final long HISTORY_BYTES = 2 * 1024 * 1024;
  private static final int FLOOD_EVENTS = 4_000;
  private static final int FLOOD_CHARS = 2_000;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire("agentwire.history.max-bytes-per-user=" + HISTORY_BYTES)
        .addClass(FloodAgent.class);
  }

  @ArquillianResource URL base;

  @Test
  void aStalledTabOvertakenByRetentionIsClosedWith1013AndItsResumeSaysExpired() throws Exception {
    try (WireClient bystander = WireClient.connect(base, "bee");
        RawWebSocket stalled = RawWebSocket.connect(base, "sloth", 8 * 1024)) {
      long baselineMs = slowestOf(bystander, 5, "base");

      // The stalled client asks for megabytes of events and then reads nothing.
      stalled.sendText(
          "{\"type\":\"start_run\",\"agent\":\"flood\",\"input\":\""
              + FLOOD_EVENTS
              + " "
              + FLOOD_CHARS
              + " hold"
              + "\",\"request_id\":\"flood\"}");
      AtomicLong largestBacklog = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      // From outside, as an operator sees it: the largest backlog of any connection (the
      // bystander's is near 0), scraped every 50 ms.
      AtomicReference<Throwable> samplerFailed = new AtomicReference<>();
      AtomicLong samples = new AtomicLong();
      Thread sampler =
          new Thread(
              () -> {
                try {
                  while (sampling.get()) {
                    largestBacklog.accumulateAndGet(
                        (long) Scrape.of(base).value("agentwire_connection_backlog_max_bytes"),
                        Math::max);
                    samples.incrementAndGet();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                  }
                } catch (Throwable e) {
                  samplerFailed.set(e);
                }
              });
      sampler.start();
      // The flood holds once the stalled tab's backlog is 256 KiB (less than retention keeps) until
      // it is seen from outside; then it goes on and overtakes the tab. Unheld, a fast machine
      // produced the backlog and closed the tab between two samples (CI once saw none).
      Await.until(
          () -> largestBacklog.get() > 0,
          Duration.ofSeconds(30),
          "a backlog for the stalled tab while the flood is held");
      String released = bystander.startRun("release", "flood", "release").getString("run_id");
      List<JsonObject> release = bystander.runEvents(released);
      assertEquals(
          "succeeded", release.get(release.size() - 1).getJsonObject("data").getString("status"));
      long duringMs = slowestOf(bystander, 10, "during");
      Await.until(this::noRunActive, Duration.ofSeconds(60), "the flood run ending");
      sampling.set(false);
      sampler.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(sampler.isAlive(), "the sampler did not stop");
      assertNull(samplerFailed.get(), () -> "sampling failed: " + samplerFailed.get());
      assertTrue(samples.get() >= 1, "no sample of the backlog during the flood");
      assertTrue(largestBacklog.get() > 0, "the stalled tab never had a backlog: no stall");

      assertTrue(
          largestBacklog.get() <= HISTORY_BYTES + 64 * 1024,
          "what waited for the stalled tab grew to "
              + largestBacklog.get()
              + " bytes, past what retention keeps");
      assertTrue(
          duringMs < 2_000,
          "a bystander's run took "
              + duringMs
              + " ms during the flood ("
              + baselineMs
              + " ms before)");

      // Reading again, the client gets what was already on its way, then the close frame.
      RawWebSocket.Received tail = stalled.readUntilClose();
      assertEquals(
          1013,
          tail.closeCode(),
          "the stalled connection is closed with 1013 after "
              + tail.messages().size()
              + " messages");
      List<JsonObject> seen =
          tail.messages().stream()
              .map(SlowReaderIT::parse)
              .filter(m -> m.containsKey("seq"))
              .toList();
      assertTrue(seen.size() < FLOOD_EVENTS + 2, "the connection was closed before the run's end");
      Scrape metrics = Scrape.of(base);
      assertEquals(
          1,
          metrics.value("agentwire_connections_closed_by_server_total{reason=\"fell_behind\"}"),
          0.0,
          "the slow-reader close is counted");
      assertTrue(
          metrics.value("agentwire_event_delivery_failures_total{reason=\"fell_behind\"}") > 0,
          "and so are the events it never got");
      assertEquals(List.of(), RunInvariants.violations(seen, false), "what it got is in order");
      Await.until(
          () -> Scrape.of(base).value("agentwire_connections_open") == 1,
          Duration.ofSeconds(10),
          "the closed connection leaving the registry (the bystander's is open)");

      String resumeFrom = seen.isEmpty() ? null : seen.get(seen.size() - 1).getString("id");
      assertTrue(resumeFrom != null, "some events got through before the stall");
      try (WireClient back = WireClient.resume(base, "sloth", resumeFrom)) {
        JsonObject failed =
            back.await(m -> "resume_failed".equals(m.getString("type")), "resume_failed");
        assertEquals("expired", failed.getString("reason"));
        assertTrue(back.events().isEmpty(), "no replay across what is gone");
      }
    }
  }

  /** Every run started has completed, by the server's counters. */
  private boolean noRunActive() {
    Scrape metrics = Scrape.of(base);
    double completed =
        metrics.value("agentwire_runs_completed_total{status=\"succeeded\"}")
            + metrics.value("agentwire_runs_completed_total{status=\"failed\"}")
            + metrics.value("agentwire_runs_completed_total{status=\"cancelled\"}");
    return completed == metrics.value("agentwire_runs_started_total");
  }

  private static JsonObject parse(String json) {
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }

  /** Runs quick scripted runs one after another; returns the slowest, start to completion. */
  private static long slowestOf(WireClient client, int runs, String label) {
    long slowest = 0;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      String runId =
          client.startScript(
              label + i,
              "{\"steps\":[{\"think\":\"quick\"},{\"tool\":\"echo\",\"arguments\":{}}]}");
      List<JsonObject> events = client.runEvents(runId);
      assertEquals(
          "succeeded", events.get(events.size() - 1).getJsonObject("data").getString("status"));
      slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    return slowest;
  }
}
