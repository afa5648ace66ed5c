package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * From outside, on every server profile, at the default settings: a connection that is written to
 * without pause for longer than the heartbeat's interval (15 s) gets every event and stays open,
 * eight such tabs of one user at once. On Open Liberty the heartbeat's ping, written beside a frame
 * in flight, made the container refuse the next frame ("write not allowed"), and the connection was
 * closed with 1011.
 */
@ExtendWith(ArquillianExtension.class)
class BusyConnectionIT {

  /** One event every millisecond for 17 s: at least one heartbeat falls inside. */
  private static final int EVENTS = 17_000;

  private static final int PACE_MICROS = 1_000;

  /** Tabs of the one user, each written to all along: more frames in flight at each heartbeat. */
  private static final int TABS = 8;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire().addClass(FloodAgent.class);
  }

  @ArquillianResource URL base;

  @Test
  void connectionsBusyThroughHeartbeatsGetEveryEventAndStayOpen() {
    List<WireClient> tabs = new ArrayList<>();
    try {
      for (int i = 0; i < TABS; i++) {
        tabs.add(WireClient.connect(base, "busy-bee"));
      }
      WireClient first = tabs.get(0);
      JsonObject accepted = first.startRun("flood", "flood", EVENTS + " 1000 paced " + PACE_MICROS);
      assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
      String runId = accepted.getString("run_id");
      for (WireClient tab : tabs) {
        // Halfway first: each wait is bounded by WireClient.WAIT (20 s), the flood lasts 17 s.
        tab.awaitCount(
            m ->
                runId.equals(m.getString("run_id", null))
                    && "agent_thinking".equals(m.getString("type")),
            EVENTS / 2,
            "half of the flood");
      }
      for (int t = 0; t < TABS; t++) {
        List<JsonObject> events = tabs.get(t).runEvents(runId);
        long thoughts =
            events.stream().filter(e -> "agent_thinking".equals(e.getString("type"))).count();
        assertEquals(EVENTS, thoughts, "every thought of the flood reached tab " + t);
        for (int i = 0; i < events.size(); i++) {
          assertEquals(i + 1, events.get(i).getInt("seq"), "tab " + t + ": in order, none lost");
        }
        // Still open and served: a ping of the protocol is answered on the same connection.
        tabs.get(t).send("{\"type\":\"ping\",\"request_id\":\"after\"}");
        assertEquals("pong", tabs.get(t).reply("after").getString("type"), "tab " + t);
      }
    } finally {
      tabs.forEach(WireClient::close);
    }
  }
}
