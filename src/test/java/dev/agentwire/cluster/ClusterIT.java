package dev.agentwire.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.PayaraNode;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.WireClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Payara Micro processes in one data grid on 127.0.0.1, AgentWire in cluster mode on both, and
 * real WebSocket clients on each: a user's connections on different nodes see the same events, with
 * the same ids, in the same order, whichever node runs them; and a client resumes on the node it
 * was not connected to; a run is cancelled from a connection on either node; a thread goes on on
 * either node; and when a node is killed, its runs end for their users with {@code node_lost}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static PayaraNode a;
  private static PayaraNode b;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    a = PayaraNode.start(0);
    b = PayaraNode.start(1);
    a.awaitReady(2, Duration.ofSeconds(180));
    b.awaitReady(2, Duration.ofSeconds(180));
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static String script(int steps, int sleepMs) {
    StringBuilder script = new StringBuilder("{\"steps\":[");
    for (int i = 0; i < steps; i++) {
      script.append(i == 0 ? "" : ",").append("{\"think\":\"step ").append(i).append("\"}");
      if (sleepMs > 0) {
        script.append(",{\"tool\":\"sleep\",\"arguments\":{\"ms\":").append(sleepMs).append("}}");
      }
    }
    return script.append("],\"output\":\"done\"}").toString();
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  @Test
  @Order(1)
  void connectionsOnBothNodesSeeEveryRunOfTheUserInOneOrder() {
    try (WireClient onA = WireClient.connect(a.base(), "ann");
        WireClient onB = WireClient.connect(b.base(), "ann");
        WireClient bystander = WireClient.connect(b.base(), "bob")) {
      String onNodeA = onA.startScript("a1", script(3, 0));
      String onNodeB = onB.startScript("b1", script(3, 0));
      for (WireClient client : List.of(onA, onB)) {
        client.runEvents(onNodeA);
        client.runEvents(onNodeB);
      }

      assertEquals(10, onA.events().size(), "two runs of five events each: " + onA.events());
      assertEquals(
          ids(onA.events()), ids(onB.events()), "same events, ids and order on both nodes");
      List<String> violations = RunInvariants.violations(onA.events(), true);
      assertTrue(violations.isEmpty(), String.join("\n", violations));
      assertEquals(List.of(), bystander.events(), "another user on node B sees none of it");
    }
  }

  @Test
  @Order(2)
  void aClientResumesOnTheOtherNodeWithNoGapAndNoDuplicate() {
    String runId;
    String lastId;
    int seen;
    try (WireClient onA = WireClient.connect(a.base(), "cat")) {
      runId = onA.startScript("r1", script(6, 150));
      onA.awaitCount(m -> runId.equals(m.getString("run_id", null)), 3, "three events of the run");
      lastId = onA.lastEventId();
      seen = onA.events().size();
    }
    try (WireClient onB = WireClient.resume(b.base(), "cat", lastId)) {
      List<JsonObject> rest = onB.runEvents(runId);
      onB.await(m -> "resumed".equals(m.getString("type")), "resumed");
      assertEquals(seen + 1, rest.get(0).getInt("seq"), "continues right after the last seen");
      for (int i = 1; i < rest.size(); i++) {
        assertEquals(
            rest.get(i - 1).getInt("seq") + 1, rest.get(i).getInt("seq"), "no gap: " + rest);
      }
      assertEquals("agent_completed", rest.get(rest.size() - 1).getString("type"));
    }
  }

  @Test
  @Order(3)
  void aRunIsCancelledFromAConnectionOnTheOtherNodeAndOnlyByItsUser() {
    try (WireClient onA = WireClient.connect(a.base(), "eve");
        WireClient onB = WireClient.connect(b.base(), "eve");
        WireClient mallory = WireClient.connect(b.base(), "mallory")) {
      String runId = onA.startScript("r1", script(20, 200));
      onB.awaitCount(m -> runId.equals(m.getString("run_id", null)), 2, "two events on node B");

      mallory.send(cancel("m1", runId));
      assertEquals(
          "run_not_found", mallory.reply("m1").getString("code"), "not another user's run");
      onB.send(cancel("c1", runId));

      for (WireClient client : List.of(onA, onB)) {
        List<JsonObject> events = client.runEvents(runId);
        JsonObject last = events.get(events.size() - 1);
        assertEquals("cancelled", last.getJsonObject("data").getString("status"), last.toString());
      }
    }
  }

  @Test
  @Order(4)
  void aThreadStartedOnOneNodeGoesOnOnTheOther() {
    try (WireClient onA = WireClient.connect(a.base(), "fay");
        WireClient onB = WireClient.connect(b.base(), "fay")) {
      JsonObject first = onA.startRun("r1", "scripted", script(1, 0));
      onA.runEvents(first.getString("run_id"));
      onB.runEvents(first.getString("run_id"));
      String threadId = first.getString("thread_id");

      onB.send(
          Json.createObjectBuilder()
              .add("type", "start_run")
              .add("request_id", "r2")
              .add("agent", "scripted")
              .add("thread_id", threadId)
              .add("input", script(1, 0))
              .build());
      JsonObject second = onB.reply("r2");
      assertEquals("run_accepted", second.getString("type"), second.toString());
      assertEquals(threadId, second.getString("thread_id"));
    }
  }

  @Test
  @Order(99) // last: it kills node A
  void aKilledNodesRunsEndForTheirUsersWithNodeLost() {
    try (WireClient onA = WireClient.connect(a.base(), "gus");
        WireClient onB = WireClient.connect(b.base(), "gus")) {
      String lost = onA.startScript("r1", script(50, 200));
      String survives = onB.startScript("r2", script(5, 100));
      onB.awaitCount(
          m -> lost.equals(m.getString("run_id", null)), 3, "three events of the run on A");

      a.kill();

      List<JsonObject> events = onB.runEvents(lost);
      JsonObject last = events.get(events.size() - 1);
      assertEquals("failed", last.getJsonObject("data").getString("status"), last.toString());
      assertEquals(
          "node_lost", last.getJsonObject("data").getJsonObject("error").getString("code"));
      onB.runEvents(survives);
      List<String> violations = RunInvariants.violations(onB.events(), true);
      assertTrue(violations.isEmpty(), String.join("\n", violations));

      // Reconnecting to the survivor resumes what it saw, with nothing missing or repeated.
      String midway = onB.events().get(2).getString("id");
      try (WireClient again = WireClient.resume(b.base(), "gus", midway)) {
        again.await(m -> "resumed".equals(m.getString("type")), "resumed");
        assertEquals(ids(onB.events().subList(3, onB.events().size())), ids(again.events()));
      }
    }
  }

  private static JsonObject cancel(String requestId, String runId) {
    return Json.createObjectBuilder()
        .add("type", "cancel_run")
        .add("request_id", requestId)
        .add("run_id", runId)
        .build();
  }
}
