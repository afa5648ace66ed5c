package dev.agentwire.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.EventFrame;
import dev.agentwire.events.EventType;
import dev.agentwire.sockets.WireFormat;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.Tokens;
import dev.agentwire.testing.WireClient;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In the container: a run whose user has gone away still runs to {@code agent_completed}, watched
 * from the CDI event bus rather than a socket.
 */
@ExtendWith(ArquillianExtension.class)
class RunsOutliveTheirListenersIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.agentwire()
        .addClasses(
            RecordedEvents.class,
            RecordedEvents.Observed.class,
            RunInvariants.class,
            Tokens.class,
            WireClient.class,
            Deployments.class)
        .addPackage(WireClient.class.getPackage());
  }

  @ArquillianResource URL base;
  @Inject RecordedEvents recorded;
  @Inject WireFormat wire;

  @Test
  void aRunWhoseUserDisconnectedStillCompletes() throws Exception {
    String runId;
    try (WireClient client = WireClient.connect(base, "dora")) {
      runId =
          client.startScript(
              "d1",
              "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":800}},{\"think\":\"alone\"},"
                  + "{\"tool\":\"echo\",\"arguments\":{}}],\"output\":\"nobody listened\"}");
      client.await(
          m ->
              runId.equals(m.getString("run_id", null))
                  && "tool_executing".equals(m.getString("type")),
          "the run to start");
    }
    List<RecordedEvents.Observed> events = recorded.awaitCompleted(runId, Duration.ofSeconds(20));
    RecordedEvents.Observed last = events.get(events.size() - 1);
    assertEquals(EventType.AGENT_COMPLETED, last.event().type());
    assertEquals(0, last.ownerConnections(), "the user had no connection when the run completed");
    List<JsonObject> asOnTheWire =
        events.stream()
            .map(o -> wire.write(EventFrame.of("rec-" + o.event().seq(), o.event())))
            .map(json -> Json.createReader(new StringReader(json)).readObject())
            .toList();
    List<String> violations = RunInvariants.violations(asOnTheWire, true);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
    assertEquals(
        "nobody listened",
        asOnTheWire.get(asOnTheWire.size() - 1).getJsonObject("data").getString("output"));
  }
}
