package dev.agentwire.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.ReadmeServer;
import dev.agentwire.testing.Scrape;
import dev.agentwire.testing.WireClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees, from outside, on AgentWire started as the README's run command starts it:
 * {@code health/live} and {@code health/ready} in MicroProfile Health's shape, {@code metrics} in
 * the Prometheus text format that Prometheus's own parser accepts, its counters and histograms
 * moving with real runs, tool failures, cancels and resumes, and every metric the committed alert
 * rules and dashboard use actually exposed.
 */
class OperationsIT {

  private static final int PORT = 18282;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern METRIC = Pattern.compile("\\b(agentwire_[a-z0-9_]+)");

  private static ReadmeServer server;
  private static URL base;

  @BeforeAll
  static void start() throws IOException {
    server = ReadmeServer.start(PORT, "operations", Duration.ofMinutes(3));
    base = server.base();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthAnswersInMicroProfileHealthsShape() {
    for (String path : List.of("health/live", "health/ready", "health")) {
      HttpResponse<String> response = get(path);
      assertEquals(200, response.statusCode(), path + ": " + response.body());
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
      JsonObject health = json(response.body());
      assertEquals("UP", health.getString("status"), response.body());
      assertTrue(!health.getJsonArray("checks").isEmpty(), response.body());
      for (JsonObject check : health.getJsonArray("checks").getValuesAs(JsonObject.class)) {
        assertTrue(check.getString("name").startsWith("agentwire-"), check.toString());
        assertEquals("UP", check.getString("status"), check.toString());
      }
    }
    assertEquals(
        "agentwire-writer",
        json(get("health/live").body()).getJsonArray("checks").getJsonObject(0).getString("name"));
    assertEquals(
        "agentwire-runs",
        json(get("health/ready").body()).getJsonArray("checks").getJsonObject(0).getString("name"));
  }

  @Test
  void theServersOwnMicroProfileHealthListsTheSameChecks() {
    HttpResponse<String> live = get(URI.create("http://127.0.0.1:" + PORT + "/health/live"));
    assertEquals(200, live.statusCode(), live.body());
    assertTrue(live.body().contains("\"agentwire-writer\""), live.body());
    HttpResponse<String> ready = get(URI.create("http://127.0.0.1:" + PORT + "/health/ready"));
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"agentwire-runs\""), ready.body());
  }

  @Test
  void metricsMoveWithRunsToolFailuresCancelsAndResumesAndPrometheusParsesThem() {
    Scrape before = Scrape.of(base);
    before.checkWithPromtool();
    String lastId;
    try (WireClient client = WireClient.connect(base, "operator")) {
      String ok =
          client.startScript(
              "ok",
              "{\"steps\":[{\"think\":\"t\"},{\"tool\":\"echo\",\"arguments\":{}}],\"output\":\"o\"}");
      client.runEvents(ok);
      String failing =
          client.startScript(
              "failing",
              "{\"steps\":[{\"tool\":\"fail\",\"arguments\":{\"message\":\"down\"}},"
                  + "{\"fail\":\"x\"}]}");
      client.runEvents(failing);
      String cancelled =
          client.startScript(
              "cancelled", "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":10000}}]}");
      client.await(
          m ->
              cancelled.equals(m.getString("run_id", null))
                  && "tool_executing".equals(m.getString("type")),
          "the sleep starting");
      client.send("{\"type\":\"cancel_run\",\"run_id\":\"" + cancelled + "\"}");
      client.runEvents(cancelled);
      client.send(
          "{\"type\":\"start_run\",\"request_id\":\"bad\",\"agent\":\"nobody\",\"input\":\"x\"}");
      client.reply("bad");
      lastId = client.lastEventId();
    }
    try (WireClient back = WireClient.resume(base, "operator", lastId)) {
      back.await(m -> "resumed".equals(m.getString("type")), "resumed");
    }
    try (WireClient lost = WireClient.resume(base, "operator", "nonsense")) {
      lost.await(m -> "resume_failed".equals(m.getString("type")), "resume_failed");
    }

    Scrape after = Scrape.of(base);
    after.checkWithPromtool();
    assertEquals(3, delta(after, before, "agentwire_runs_started_total"), 0.0);
    assertEquals(
        1, delta(after, before, "agentwire_runs_completed_total{status=\"succeeded\"}"), 0.0);
    assertEquals(1, delta(after, before, "agentwire_runs_completed_total{status=\"failed\"}"), 0.0);
    assertEquals(
        1, delta(after, before, "agentwire_runs_completed_total{status=\"cancelled\"}"), 0.0);
    assertEquals(3, delta(after, before, "agentwire_run_duration_seconds_count"), 0.0);
    assertEquals(
        1,
        delta(after, before, "agentwire_tool_call_duration_seconds_count{status=\"error\"}"),
        0.0);
    assertEquals(
        1,
        delta(after, before, "agentwire_tool_call_duration_seconds_count{status=\"cancelled\"}"),
        0.0);
    assertEquals(
        1, delta(after, before, "agentwire_tool_call_duration_seconds_count{status=\"ok\"}"), 0.0);
    assertEquals(
        3, delta(after, before, "agentwire_events_emitted_total{type=\"agent_started\"}"), 0.0);
    assertEquals(1, delta(after, before, "agentwire_resumes_total{outcome=\"resumed\"}"), 0.0);
    assertEquals(1, delta(after, before, "agentwire_resumes_total{outcome=\"invalid_id\"}"), 0.0);
    assertEquals(
        1, delta(after, before, "agentwire_errors_sent_total{code=\"unknown_agent\"}"), 0.0);
    assertTrue(delta(after, before, "agentwire_frames_written_total") > 0);
    assertTrue(delta(after, before, "agentwire_event_delivery_latency_seconds_count") >= 13);
    assertTrue(after.value("agentwire_history_bytes") > 0);
    Await.until(
        () -> Scrape.of(base).value("agentwire_connections_open") == 0,
        Duration.ofSeconds(10),
        "the connections gauge back at 0");
  }

  @Test
  void everyMetricTheAlertsAndTheDashboardUseIsExposed() throws IOException {
    Scrape scrape = Scrape.of(base);
    Set<String> used = new TreeSet<>();
    for (Path file :
        List.of(Path.of("docs/operations/alerts.yml"), Path.of("docs/operations/dashboard.json"))) {
      Matcher metric = METRIC.matcher(Files.readString(file));
      while (metric.find()) {
        used.add(metric.group(1).replaceAll("_(bucket|count|sum)$", ""));
      }
    }
    assertTrue(used.size() >= 10, "the rules and the dashboard use " + used);
    Set<String> missing = new TreeSet<>();
    for (String family : used) {
      if (!scrape.has(family)) {
        missing.add(family);
      }
    }
    assertEquals(Set.of(), missing, "used by the alerts or the dashboard but not exposed");
  }

  private static double delta(Scrape after, Scrape before, String sample) {
    return after.valueOrZero(sample) - before.valueOrZero(sample);
  }

  private static HttpResponse<String> get(String path) {
    return get(URI.create(base + path));
  }

  private static HttpResponse<String> get(URI uri) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed", e);
    }
  }

  private static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }
}
