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
      Instant firstToolStarted = Instant.MAX;
      Instant lastToolStarted = Instant.MIN;
      Instant firstToolEnded = Instant.MAX;
      Instant lastToolEnded = Instant.MIN;
      for (int u = 0; u < USERS; u++) {
        WireClient client = clients.get(u);
        for (String runId : runIds.get(u)) {
          List<JsonObject> events = client.runEvents(runId);
          assertEquals(5, events.size(), events.toString());
          JsonObject called = events.get(3).getJsonObject("data");
          assertEquals("ok", called.getString("status"), events.toString());
          assertEquals(
              "succeeded",
              events.get(4).getJsonObject("data").getString("status"),
              events.toString());
          Instant toolStarted = Instant.parse(events.get(2).getString("ts"));
          Instant toolEnded = Instant.parse(events.get(3).getString("ts"));
          firstToolStarted =
              toolStarted.isBefore(firstToolStarted) ? toolStarted : firstToolStarted;
          lastToolStarted = toolStarted.isAfter(lastToolStarted) ? toolStarted : lastToolStarted;
          firstToolEnded = toolEnded.isBefore(firstToolEnded) ? toolEnded : firstToolEnded;
          lastToolEnded = toolEnded.isAfter(lastToolEnded) ? toolEnded : lastToolEnded;
        }
        AgentRunsIT.assertNoViolations(client.received());
      }
      long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.printf(
          "ConcurrentRunsIT on %s: %d runs of a %d ms tool: %d ms from the first tool_executing to"
              + " the last tool_completed (server time), %d ms from the first start_run to the last"
              + " agent_completed (client time)%n",
          System.getProperty("arquillian.launch"),
          USERS * RUNS_PER_USER,
          TOOL_MS,
          java.time.Duration.between(firstToolStarted, lastToolEnded).toMillis(),
          wallMs);
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
