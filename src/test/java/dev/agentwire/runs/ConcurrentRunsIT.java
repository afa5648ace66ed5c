package dev.agentwire.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's pools are sized for AgentWire (server-config/): 30 runs, each calling a 2 s tool,
 * run side by side rather than in batches. Runs on every server profile; the wall time it prints is
 * the table in docs/servers.md.
 */
@ExtendWith(ArquillianExtension.class)
class ConcurrentRunsIT {

  static final int USERS = 6;
  static final int RUNS_PER_USER = 5; // agentwire.runs.max-per-user's default
  static final int TOOL_MS = 2_000;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire();
  }

  @ArquillianResource URL base;

  @Test
  void thirtyRunsOfATwoSecondToolAllHaveTheirToolRunningAtOnce() {
    List<WireClient> clients = new ArrayList<>();
    try {
      for (int u = 0; u < USERS; u++) {
        clients.add(WireClient.connect(base, "pool-user-" + u));
      }
      String script =
          "{\"steps\":[{\"think\":\"waiting\"},{\"tool\":\"sleep\",\"arguments\":{\"ms\":"
              + TOOL_MS
              + "}}],\"output\":\"done\"}";
      long start = System.nanoTime();
      List<List<String>> runIds = new ArrayList<>();
      for (WireClient client : clients) {
        List<String> ids = new ArrayList<>();
        for (int r = 0; r < RUNS_PER_USER; r++) {
          ids.add(client.startScript("r" + r, script));
        }
        runIds.add(ids);
      }
      List<List<JsonObject>> runs = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        for (String runId : runIds.get(u)) {
          runs.add(clients.get(u).runEvents(runId));
        }
      }
      long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      Instant firstToolStarted = Instant.MAX;
      Instant lastToolStarted = Instant.MIN;
      Instant firstToolEnded = Instant.MAX;
      Instant lastToolEnded = Instant.MIN;
      int toolsOk = 0;
      for (List<JsonObject> events : runs) {
        for (JsonObject event : events) {
          Instant at = Instant.parse(event.getString("ts"));
          switch (event.getString("type")) {
            case "tool_executing" -> {
              firstToolStarted = at.isBefore(firstToolStarted) ? at : firstToolStarted;
              lastToolStarted = at.isAfter(lastToolStarted) ? at : lastToolStarted;
            }
            case "tool_completed" -> {
              firstToolEnded = at.isBefore(firstToolEnded) ? at : firstToolEnded;
              lastToolEnded = at.isAfter(lastToolEnded) ? at : lastToolEnded;
              toolsOk += "ok".equals(event.getJsonObject("data").getString("status")) ? 1 : 0;
            }
            default -> {}
          }
        }
      }
      // Printed before the assertions: at a server's default pools it is the "before" number.
      System.out.printf(
          "ConcurrentRunsIT on %s: %d runs of a %d ms tool, %d tool calls ok: %d ms from the first"
              + " tool_executing to the last tool_completed (server time), %d ms from the first"
              + " start_run to the last agent_completed (client time)%n",
          System.getProperty("arquillian.launch"),
          runs.size(),
          TOOL_MS,
          toolsOk,
          java.time.Duration.between(firstToolStarted, lastToolEnded).toMillis(),
          wallMs);
      for (List<JsonObject> events : runs) {
        assertEquals(5, events.size(), events.toString());
        assertEquals(
            "ok", events.get(3).getJsonObject("data").getString("status"), events.toString());
        assertEquals(
            "succeeded",
            events.get(4).getJsonObject("data").getString("status"),
            events.toString());
      }
      for (WireClient client : clients) {
        AgentRunsIT.assertNoViolations(client.received());
      }
      // Every tool started before any ended: all 30 held a thread at the same time. Timestamps
      // are the server's, so this does not depend on how fast this client reads.
      assertTrue(
          lastToolStarted.isBefore(firstToolEnded),
          "tools ran in batches: the last started at "
              + lastToolStarted
              + ", after the first ended at "
              + firstToolEnded
              + " (the server's pools are too small for 30 runs)");
    } finally {
      clients.forEach(WireClient::close);
    }
  }
}
