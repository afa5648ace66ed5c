package dev.agentwire.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.OpenAiStub;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.Scrape;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code llm} agent in the container, pointed with its configuration keys at a local
 * OpenAI-compatible server that streams: what a user sees over a real socket.
 */
@ExtendWith(ArquillianExtension.class)
class LlmAgentIT {

  private static final OpenAiStub STUB = OpenAiStub.start();

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire(
        "agentwire.llm.base-url=" + STUB.baseUrl(),
        "agentwire.llm.model=stub-model",
        "agentwire.llm.api-key=test-key",
        "agentwire.llm.system-prompt=You are a test.");
  }

  @ArquillianResource URL base;

  @AfterAll
  static void stopStub() {
    STUB.close();
  }

  @Test
  void theAnswerArrivesAsDeltasInOrderThatMakeTheOutput() {
    try (WireClient client = WireClient.connect(base, "lena")) {
      String text = "Streaming, one small piece after another, to every tab.";
      List<JsonObject> events = run(client, "stream: " + text);

      List<String> types = types(events);
      assertEquals("agent_started", types.get(0));
      assertEquals("agent_completed", types.get(types.size() - 1));
      assertTrue(types.contains("agent_output_delta"), types.toString());
      JsonObject completed = data(events.get(events.size() - 1));
      assertEquals("succeeded", completed.getString("status"), completed.toString());
      assertEquals(text, completed.getString("output"));
      assertEquals(text, deltas(events));
      JsonObject usage = completed.getJsonObject("usage");
      assertEquals(21, usage.getInt("input_tokens"), completed.toString());
      assertEquals(34, usage.getInt("output_tokens"));
      assertEquals(55, usage.getInt("total_tokens"));
      assertEquals(List.of(), RunInvariants.violations(events, true));
      // The agent's configuration reached the model.
      JsonObject request = STUB.exchanges().get(STUB.exchanges().size() - 1).request();
      assertEquals("stub-model", request.getString("model"));
      assertEquals(
          "You are a test.",
          request.getJsonArray("messages").getJsonObject(0).getString("content"));
    }
  }

  @Test
  void aToolCallIsReportedAsAPairAndItsResultReachesTheModel() {
    try (WireClient client = WireClient.connect(base, "lena")) {
      List<JsonObject> events = run(client, "tool: calculator {\"expression\":\"6 * 7\"}");

      JsonObject executing = find(events, "tool_executing");
      assertEquals("calculator", executing.getString("tool"));
      assertEquals("6 * 7", executing.getJsonObject("arguments").getString("expression"));
      JsonObject completed = find(events, "tool_completed");
      assertEquals(executing.getString("call_id"), completed.getString("call_id"));
      assertEquals("ok", completed.getString("status"));
      assertEquals(42, completed.getJsonObject("result").getInt("value"));
      JsonObject end = data(events.get(events.size() - 1));
      assertEquals("succeeded", end.getString("status"), end.toString());
      assertTrue(end.getString("output").contains("42"), end.toString());
      assertEquals(end.getString("output"), deltas(events));
      assertEquals(List.of(), RunInvariants.violations(events, true));
    }
  }

  @Test
  void cancelMidStreamEndsTheRunAndStopsTheModelsStream() {
    try (WireClient client = WireClient.connect(base, "lena")) {
      int before = STUB.exchanges().size();
      JsonObject accepted = client.startRun("slow", "llm", "slow: 200");
      String runId = accepted.getString("run_id");
      try {
        client.awaitCount(
            m ->
                runId.equals(m.getString("run_id", null))
                    && "agent_output_delta".equals(m.getString("type")),
            3,
            "three deltas");
      } catch (AssertionError e) {
        // What the model's side and the server's side had done by then: a stream never asked
        // for, deltas emitted but not delivered, or a writer held up.
        String server =
            Scrape.of(base)
                .text()
                .lines()
                .filter(
                    line ->
                        line.startsWith("agentwire_writer")
                            || line.contains("agent_output_delta")
                            || line.startsWith("agentwire_pool_waits"))
                .collect(Collectors.joining("; "));
        throw new AssertionError(
            e.getMessage() + "; " + STUB.describe() + "; server: " + server, e);
      }
      client.send("{\"type\":\"cancel_run\",\"run_id\":\"" + runId + "\",\"request_id\":\"c\"}");
      List<JsonObject> events = client.runEvents(runId);

      assertEquals("cancelled", data(events.get(events.size() - 1)).getString("status"));
      assertEquals(List.of(), RunInvariants.violations(events, true));
      OpenAiStub.Exchange exchange = STUB.exchanges().get(before);
      Await.until(
          () -> exchange.ending().equals("aborted"),
          Duration.ofSeconds(10),
          "the model's stream to be abandoned (it would run 20 s)");
    }
  }

  @Test
  void aStreamThatBreaksOffEndsTheRunFailed() {
    try (WireClient client = WireClient.connect(base, "lena")) {
      List<JsonObject> events = run(client, "fail");

      JsonObject end = data(events.get(events.size() - 1));
      assertEquals("failed", end.getString("status"), end.toString());
      assertEquals("llm_error", end.getJsonObject("error").getString("code"), end.toString());
      assertEquals(List.of(), RunInvariants.violations(events, true));
    }
  }

  @Test
  void aTabThatReconnectsMidAnswerGetsTheWholeAnswer() {
    String runId;
    List<JsonObject> seen = new ArrayList<>();
    try (WireClient first = WireClient.connect(base, "nora")) {
      runId = first.startRun("s", "llm", "slow: 15").getString("run_id");
      first.awaitCount(
          m ->
              runId.equals(m.getString("run_id", null))
                  && "agent_output_delta".equals(m.getString("type")),
          2,
          "two deltas");
      seen.addAll(first.events());
    }
    String lastSeen = seen.get(seen.size() - 1).getString("id");
    try (WireClient back = WireClient.resume(base, "nora", lastSeen)) {
      back.runEvents(runId);
      seen.addAll(back.events());
    }
    List<JsonObject> run = seen.stream().filter(e -> runId.equals(e.getString("run_id"))).toList();
    assertEquals(List.of(), RunInvariants.violations(run, true), "the run, seen across both tabs");
    JsonObject end = data(run.get(run.size() - 1));
    assertEquals("succeeded", end.getString("status"));
    assertEquals(end.getString("output"), deltas(run));
    assertTrue(end.getString("output").startsWith("tick 0. tick 1. "), end.toString());
  }

  private static List<JsonObject> run(WireClient client, String input) {
    JsonObject accepted = client.startRun("q-" + input.hashCode(), "llm", input);
    assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
    return client.runEvents(accepted.getString("run_id"));
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  private static JsonObject data(JsonObject event) {
    return event.getJsonObject("data");
  }

  private static JsonObject find(List<JsonObject> events, String type) {
    return events.stream()
        .filter(e -> e.getString("type").equals(type))
        .findFirst()
        .map(LlmAgentIT::data)
        .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
  }

  private static String deltas(List<JsonObject> events) {
    return events.stream()
        .filter(e -> e.getString("type").equals("agent_output_delta"))
        .map(e -> data(e).getString("delta"))
        .collect(Collectors.joining());
  }
}
