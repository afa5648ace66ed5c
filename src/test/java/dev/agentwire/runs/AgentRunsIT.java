package dev.agentwire.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.RunInvariants;
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

/** How runs unfold on the wire: events, order, statuses, for every way a run can end. */
@ExtendWith(ArquillianExtension.class)
class AgentRunsIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire();
  }

  /** 30 concurrent runs (6 users, 5 each: the per-user limit) of a 2 s tool. */
  static final int USERS = 6;

  static final int RUNS_PER_USER = 5;
  static final int TOOL_MS = 2_000;

  @ArquillianResource URL base;

  @Test
  void scriptedRunEmitsEveryStepInOrderWithTheFullEnvelope() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      JsonObject accepted =
          client.startRun(
              "r1",
              "scripted",
              """
              {"steps":[{"think":"Looking up the order"},
                        {"tool":"echo","arguments":{"order":42}},
                        {"tool":"sleep","arguments":{"ms":300}},
                        {"tool":"fail","arguments":{"message":"backend down"}}],
               "output":"Order 42 is on its way"}""");
      assertEquals("run_accepted", accepted.getString("type"));
      String runId = accepted.getString("run_id");
      String threadId = accepted.getString("thread_id");
      assertTrue(runId.startsWith("r-") && threadId.startsWith("t-"), accepted.toString());

      List<JsonObject> events = client.runEvents(runId);
      assertNoViolations(client.received());
      assertEquals(
          List.of(
              "agent_started",
              "agent_thinking",
              "tool_executing",
              "tool_completed",
              "tool_executing",
              "tool_completed",
              "tool_executing",
              "tool_completed",
              "agent_completed"),
          events.stream().map(e -> e.getString("type")).toList());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, events.get(i).getInt("seq"));
        assertEquals(threadId, events.get(i).getString("thread_id"));
      }
      assertEquals("scripted", data(events, 0).getString("agent"));
      assertTrue(data(events, 0).getString("input").contains("Looking up the order"));
      assertEquals("Looking up the order", data(events, 1).getString("text"));
      assertEquals("echo", data(events, 2).getString("tool"));
      assertEquals(42, data(events, 2).getJsonObject("arguments").getInt("order"));
      assertEquals("ok", data(events, 3).getString("status"));
      assertEquals(42, data(events, 3).getJsonObject("result").getInt("order"));
      assertEquals(data(events, 2).getString("call_id"), data(events, 3).getString("call_id"));
      assertEquals(300, data(events, 5).getJsonObject("result").getInt("slept_ms"));
      assertTrue(data(events, 5).getInt("duration_ms") >= 300, events.get(5).toString());
      assertEquals("error", data(events, 7).getString("status"));
      assertEquals("backend down", data(events, 7).getString("error"));
      assertEquals("succeeded", data(events, 8).getString("status"));
      assertEquals("Order 42 is on its way", data(events, 8).getString("output"));
    }
  }

  @Test
  void agentFailureEndsTheRunAsFailed() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      String runId =
          client.startScript(
              "r1", "{\"steps\":[{\"think\":\"trying\"},{\"fail\":\"agent gave up\"}]}");
      JsonObject end = last(client.runEvents(runId));
      assertEquals("failed", end.getJsonObject("data").getString("status"));
      assertEquals(
          "agent_error", end.getJsonObject("data").getJsonObject("error").getString("code"));
      assertEquals(
          "agent gave up", end.getJsonObject("data").getJsonObject("error").getString("message"));
      assertNoViolations(client.received());
    }
  }

  @Test
  void invalidScriptIsAcceptedThenFailsAsInvalidInput() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      for (String script :
          List.of("not json", "{\"steps\":5}", "{\"steps\":[{\"think\":\"a\",\"fail\":\"b\"}]}")) {
        String runId = client.startScript("bad-" + script.hashCode(), script);
        List<JsonObject> events = client.runEvents(runId);
        assertEquals(2, events.size(), events.toString());
        JsonObject error = last(events).getJsonObject("data").getJsonObject("error");
        assertEquals("invalid_input", error.getString("code"), events.toString());
      }
      assertNoViolations(client.received());
    }
  }

  @Test
  void toolOverItsTimeLimitTimesOutAndTheRunGoesOn() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      long overLimit = Deployments.SLEEP_TIMEOUT_MS + 2_000;
      String runId =
          client.startScript(
              "r1",
              "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":"
                  + overLimit
                  + "}},{\"think\":\"after\"}],\"output\":\"done\"}");
      List<JsonObject> events = client.runEvents(runId);
      JsonObject completed = data(events, 2);
      assertEquals("timeout", completed.getString("status"), events.toString());
      assertTrue(completed.getString("error").contains("time limit"), completed.toString());
      long duration = completed.getJsonNumber("duration_ms").longValue();
      assertTrue(
          duration >= Deployments.SLEEP_TIMEOUT_MS && duration < overLimit, completed.toString());
      assertEquals("succeeded", last(events).getJsonObject("data").getString("status"));
      assertNoViolations(client.received());
    }
  }

  @Test
  void cancelEndsTheRunWithinASecondEvenMidTool() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      String runId =
          client.startScript(
              "r1", "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":2800}}]}");
      client.await(
          m ->
              runId.equals(m.getString("run_id", null))
                  && m.getString("type").equals("tool_executing"),
          "the sleep to start");
      long cancelledAt = System.nanoTime();
      client.send("{\"type\":\"cancel_run\",\"run_id\":\"" + runId + "\",\"request_id\":\"c1\"}");
      List<JsonObject> events = client.runEvents(runId);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
      assertTrue(tookMs < 1_000, "cancel took " + tookMs + " ms");
      assertEquals("cancelled", data(events, 2).getString("status"), events.toString());
      assertEquals("cancelled", last(events).getJsonObject("data").getString("status"));
      assertNoViolations(client.received());
      assertTrue(client.received(m -> "c1".equals(m.getString("request_id", null))).isEmpty());
    }
  }

  @Test
  void defaultAgentAnswersArithmeticWithTheCalculator() {
    try (WireClient client = WireClient.connect(base, "grace")) {
      JsonObject accepted = client.startRun("q1", null, "What is 17 * 23 + 4?");
      List<JsonObject> events = client.runEvents(accepted.getString("run_id"));
      assertEquals("assistant", data(events, 0).getString("agent"));
      JsonObject call = find(events, "tool_executing");
      assertEquals("calculator", call.getJsonObject("data").getString("tool"));
      JsonObject result = find(events, "tool_completed").getJsonObject("data");
      assertEquals(395, result.getJsonObject("result").getInt("value"));
      assertTrue(last(events).getJsonObject("data").getString("output").contains("395"));
      assertNoViolations(client.received());
    }
  }

  @Test
  void defaultAgentReadsTheClockForTimeQuestions() {
    try (WireClient client = WireClient.connect(base, "grace")) {
      JsonObject accepted = client.startRun("q1", null, "What time is it in Asia/Tokyo?");
      List<JsonObject> events = client.runEvents(accepted.getString("run_id"));
      JsonObject result = find(events, "tool_completed").getJsonObject("data");
      assertEquals("clock", result.getString("tool"));
      assertEquals("Asia/Tokyo", result.getJsonObject("result").getString("zone"));
      assertTrue(last(events).getJsonObject("data").getString("output").contains("Asia/Tokyo"));
      assertNoViolations(client.received());
    }
  }

  @Test
  void runsOfOneThreadShareItsId() {
    try (WireClient client = WireClient.connect(base, "ada")) {
      JsonObject first = client.startRun("a", "scripted", "{\"steps\":[]}");
      String threadId = first.getString("thread_id");
      client.send(
          "{\"type\":\"start_run\",\"request_id\":\"b\",\"agent\":\"scripted\",\"input\":\"{\\\"steps\\\":[]}\",\"thread_id\":\""
              + threadId
              + "\"}");
      JsonObject second = client.reply("b");
      assertEquals("run_accepted", second.getString("type"), second.toString());
      assertEquals(threadId, second.getString("thread_id"));
      List<JsonObject> events = client.runEvents(second.getString("run_id"));
      assertEquals(threadId, events.get(0).getString("thread_id"));
    }
  }

  private static JsonObject data(List<JsonObject> events, int index) {
    return events.get(index).getJsonObject("data");
  }

  private static JsonObject last(List<JsonObject> events) {
    return events.get(events.size() - 1);
  }

  private static JsonObject find(List<JsonObject> events, String type) {
    return events.stream()
        .filter(e -> e.getString("type").equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
  }

  static void assertNoViolations(List<JsonObject> stream) {
    List<String> violations = RunInvariants.violations(stream, true);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

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
          "AgentRunsIT (concurrent runs) on %s: %d runs of a %d ms tool, %d tool calls ok: %d ms from the first"
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
        assertNoViolations(client.received());
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
