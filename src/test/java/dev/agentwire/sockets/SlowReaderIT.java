package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.testing.Await;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.RawWebSocket;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.WireClient;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In the container: a connection that stops reading while its user's runs produce megabytes is
 * closed with 1013 once its outbox passes the bound, costs other users nothing meanwhile, and its
 * user then resumes the whole story.
 */
@ExtendWith(ArquillianExtension.class)
class SlowReaderIT {

  private static final long OUTBOX_BYTES = 1024 * 1024;
  private static final int FLOOD_EVENTS = 4_000;
  private static final int FLOOD_CHARS = 2_000;

  @Deployment
  static WebArchive deployment() {
    return Deployments.agentwire(
            "agentwire.ws.outbox.max-bytes=" + OUTBOX_BYTES,
            "agentwire.history.max-bytes-per-user=" + 64 * 1024 * 1024)
        .addClass(FloodAgent.class)
        .addPackage(WireClient.class.getPackage());
  }

  @ArquillianResource URL base;
  @Inject UserSessions sessions;
  @Inject RunRegistry runs;

  @Test
  void aStalledReaderIsClosedWith1013AndCostsOthersNothing() throws Exception {
    try (WireClient bystander = WireClient.connect(base, "bee");
        RawWebSocket stalled = RawWebSocket.connect(base, "sloth", 8 * 1024)) {
      long baselineMs = slowestOf(bystander, 5, "base");

      // The stalled client asks for megabytes of events and then reads nothing.
      stalled.sendText(
          "{\"type\":\"start_run\",\"agent\":\"flood\",\"input\":\""
              + FLOOD_EVENTS
              + " "
              + FLOOD_CHARS
              + "\",\"request_id\":\"flood\"}");
      AtomicLong largestBacklog = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  largestBacklog.accumulateAndGet(sessions.backlog("sloth"), Math::max);
                  LockSupport.parkNanos(
                      100_000); // sample often without taking a core from the server
                }
              });
      sampler.start();
      long duringMs = slowestOf(bystander, 10, "during");
      // Megabytes past the outbox bound: by the time the run ends, the connection has overflowed.
      Await.until(() -> runs.running("sloth") == 0, Duration.ofSeconds(60), "the flood run ending");
      sampling.set(false);
      sampler.join(TimeUnit.SECONDS.toMillis(5));

      assertTrue(
          largestBacklog.get() <= OUTBOX_BYTES,
          "the outbox grew to " + largestBacklog.get() + " chars, past its bound");
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
      Await.until(
          () -> sessions.connections("sloth") == 0,
          Duration.ofSeconds(10),
          "the closed connection leaving the registry");

      String resumeFrom = seen.isEmpty() ? null : seen.get(seen.size() - 1).getString("id");
      assertTrue(resumeFrom != null, "some events got through before the stall");
      try (WireClient back = WireClient.resume(base, "sloth", resumeFrom)) {
        JsonObject resumed = back.await(m -> "resumed".equals(m.getString("type")), "resumed");
        List<JsonObject> whole = new ArrayList<>(seen);
        whole.addAll(back.events());
        List<String> violations = RunInvariants.violations(whole, true);
        assertTrue(
            violations.isEmpty(),
            String.join("\n", violations.subList(0, Math.min(5, violations.size()))));
        assertEquals(FLOOD_EVENTS + 2, whole.size(), "the whole run, each event once");
        assertEquals(back.events().size(), resumed.getInt("replayed"));
      }
    }
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
