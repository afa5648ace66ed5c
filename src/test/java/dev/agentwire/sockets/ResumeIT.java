package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No lost events: a client that comes back with the id of the last event it processed gets exactly
 * what it missed, then {@code resumed}, then live events; an id that cannot be resumed from gets
 * {@code resume_failed} and a connection that otherwise works.
 */
@ExtendWith(ArquillianExtension.class)
class ResumeIT {

  private static final int HISTORY_EVENTS = 100;
  private static final long HISTORY_AGE_MS = 2_000;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire(
        "agentwire.history.max-events=" + HISTORY_EVENTS,
        "agentwire.history.max-age-ms=" + HISTORY_AGE_MS,
        "agentwire.runs.max-per-user=10");
  }

  @ArquillianResource URL base;

  private static String steadyScript(int steps, int sleepMs) {
    StringBuilder script = new StringBuilder("{\"steps\":[");
    for (int i = 0; i < steps; i++) {
      script
          .append(i == 0 ? "" : ",")
          .append("{\"think\":\"step ")
          .append(i)
          .append("\"},{\"tool\":\"sleep\",\"arguments\":{\"ms\":")
          .append(sleepMs)
          .append("}}");
    }
    return script.append("],\"output\":\"done\"}").toString();
  }

  @Test
  void aTabThatDropsMidRunGetsExactlyWhatItMissedWhileAnotherTabStaysLive() {
    try (WireClient live = WireClient.connect(base, "rita")) {
      List<JsonObject> before;
      String runId;
      try (WireClient dropping = WireClient.connect(base, "rita")) {
        runId = dropping.startScript("r1", steadyScript(8, 150));
        dropping.awaitCount(m -> m.containsKey("seq"), 4, "the first events");
        before = dropping.events();
      }
      String lastId = before.get(before.size() - 1).getString("id");
      int lastSeq = before.get(before.size() - 1).getInt("seq");
      live.await(
          m -> runId.equals(m.getString("run_id", null)) && m.getInt("seq", 0) >= lastSeq + 3,
          "events while the other tab is away");

      try (WireClient back = WireClient.resume(base, "rita", lastId)) {
        JsonObject resumed = back.await(m -> "resumed".equals(m.getString("type")), "resumed");
        back.runEvents(runId);
        List<JsonObject> after = back.received();
        int marker = after.indexOf(resumed);
        assertTrue(marker >= 3, "at least the events seen live meanwhile are replayed: " + after);
        assertEquals(marker, resumed.getInt("replayed"), "replayed counts what came before it");
        assertTrue(
            after.subList(0, marker).stream().allMatch(m -> m.containsKey("seq")),
            "nothing but replayed events precedes resumed");

        List<JsonObject> whole = new ArrayList<>(before);
        whole.addAll(back.events());
        assertNoViolations(whole);
        assertEquals(ids(live.runEvents(runId)), ids(whole), "the resumed story is the live one");
        assertNoViolations(live.received());
      }
    }
  }

  @Test
  void aClientReconnectingTenTimesWhileTenRunsExecuteSeesEveryEventOnceInOrder() {
    try (WireClient live = WireClient.connect(base, "flora")) {
      List<JsonObject> processed = new ArrayList<>();
      Set<String> runIds = new HashSet<>();
      WireClient client = WireClient.connect(base, "flora");
      for (int r = 0; r < 10; r++) {
        runIds.add(client.startScript("run" + r, steadyScript(6, 100 + 20 * r)));
      }
      int reconnects = 0;
      while (reconnects < 10 || completed(processed) < runIds.size()) {
        int seen = client.events().size();
        if (completed(processed) + completed(client.events()) < runIds.size()) {
          client.awaitCount(m -> m.containsKey("seq"), seen + 1, "another event");
        }
        client.close();
        processed.addAll(client.events());
        String lastId = processed.get(processed.size() - 1).getString("id");
        client = WireClient.resume(base, "flora", lastId);
        JsonObject verdict =
            client.await(m -> m.getString("type").startsWith("resume"), "resumed or resume_failed");
        assertEquals("resumed", verdict.getString("type"), verdict.toString());
        reconnects++;
        assertTrue(reconnects < 1_000, "the runs did not finish within 1,000 reconnects");
      }
      client.close();
      processed.addAll(client.events());

      assertNoViolations(processed);
      Set<String> seenRuns = new HashSet<>();
      processed.forEach(e -> seenRuns.add(e.getString("run_id")));
      assertEquals(runIds, seenRuns);
      for (String runId : runIds) {
        live.runEvents(runId);
      }
      assertEquals(
          ids(live.events()), ids(processed), "the flapping client's story is the live one");
    }
  }

  @Test
  void unusableIdsGiveResumeFailedAndTheConnectionThenWorks() {
    String someId;
    try (WireClient client = WireClient.connect(base, "ursula")) {
      String runId = client.startScript("r1", "{\"steps\":[{\"think\":\"hi\"}]}");
      someId = client.runEvents(runId).get(0).getString("id");
    }
    String boot = someId.substring(0, someId.lastIndexOf('-'));
    assertResumeFails("ursula", "garbage", "invalid_id");
    assertResumeFails("ursula", boot + "-", "invalid_id");
    assertResumeFails("ursula", "zz9plural-" + 5, "server_restarted");
    assertResumeFails("ursula", boot + "-999999999", "unknown_id");
    assertResumeFails("victor", someId, "expired");
  }

  @Test
  void anIdWhoseEventsAgedOutGivesExpired() {
    try (WireClient client = WireClient.connect(base, "ezra")) {
      StringBuilder thoughts = new StringBuilder("{\"steps\":[");
      for (int i = 0; i < HISTORY_EVENTS + 20; i++) {
        thoughts.append(i == 0 ? "" : ",").append("{\"think\":\"").append(i).append("\"}");
      }
      String first = client.startScript("r1", thoughts.append("]}").toString());
      String oldestId = client.runEvents(first).get(0).getString("id");
      // Outlive the age limit server-side, then append: the oldest events beyond the count go.
      String later =
          client.startScript(
              "r2",
              "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":"
                  + (HISTORY_AGE_MS + 500)
                  + "}},{\"think\":\"later\"}]}");
      client.runEvents(later);
      assertResumeFails("ezra", oldestId, "expired");
    }
  }

  private void assertResumeFails(String user, String lastEventId, String reason) {
    try (WireClient client = WireClient.resume(base, user, lastEventId)) {
      JsonObject first = client.await(m -> true, "a first message");
      assertEquals("resume_failed", first.getString("type"), first.toString());
      assertEquals(reason, first.getString("reason"), lastEventId);
      client.send("{\"type\":\"ping\",\"request_id\":\"p\"}");
      assertEquals("pong", client.reply("p").getString("type"));
      String runId = client.startScript("after", "{\"steps\":[],\"output\":\"fine\"}");
      List<JsonObject> events = client.runEvents(runId);
      assertEquals("fine", events.get(events.size() - 1).getJsonObject("data").getString("output"));
      assertEquals(
          1, client.received(m -> m.getString("type").startsWith("resume")).size(), "one verdict");
    }
  }

  private static int completed(List<JsonObject> events) {
    return (int) events.stream().filter(e -> "agent_completed".equals(e.getString("type"))).count();
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  private static void assertNoViolations(List<JsonObject> stream) {
    List<String> violations = RunInvariants.violations(stream, true);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }
}
