package dev.agentwire.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Scrape;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed alert rules parse and behave as their unit tests say, by Prometheus's own promtool;
 * the committed Grafana dashboard is JSON whose every panel queries AgentWire's metrics. (That each
 * metric they use is exposed is checked against a real scrape in {@code OperationsIT}.)
 */
class AlertRulesTest {

  private static final Path RULES = Path.of("docs", "operations", "alerts.yml");
  private static final Path RULE_TESTS = Path.of("docs", "operations", "alerts-test.yml");
  private static final Path DASHBOARD = Path.of("docs", "operations", "dashboard.json");

  @Test
  void theAlertRulesParse() throws Exception {
    String output = promtool("check", "rules", RULES.toString());
    assertTrue(output.contains("SUCCESS"), output);
  }

  @Test
  void theAlertRulesFireAsTheirTestsSay() throws Exception {
    String output = promtool("test", "rules", RULE_TESTS.toString());
    assertTrue(output.contains("SUCCESS"), output);
  }

  @Test
  void everyDashboardPanelQueriesAgentWire() throws IOException {
    try (Reader file = Files.newBufferedReader(DASHBOARD, StandardCharsets.UTF_8);
        JsonReader reader = Json.createReader(file)) {
      JsonObject dashboard = reader.readObject();
      assertEquals("agentwire", dashboard.getString("uid"));
      var panels = dashboard.getJsonArray("panels").getValuesAs(JsonObject.class);
      assertFalse(panels.isEmpty());
      for (JsonObject panel : panels) {
        var targets = panel.getJsonArray("targets").getValuesAs(JsonObject.class);
        assertFalse(targets.isEmpty(), panel.getString("title"));
        for (JsonObject target : targets) {
          assertTrue(
              target.getString("expr").contains("agentwire_"),
              panel.getString("title") + ": " + target.getString("expr"));
        }
      }
    }
  }

  private static String promtool(String... arguments) throws Exception {
    String[] command = new String[arguments.length + 1];
    command[0] = Scrape.promtool().toString();
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    return output;
  }
}
