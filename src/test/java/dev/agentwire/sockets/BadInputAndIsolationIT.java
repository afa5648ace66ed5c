package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input gets a clear error, keeps the connection usable and touches no one else; every user
 * sees all of their own events on every connection and nothing of anyone else's.
 */
@ExtendWith(ArquillianExtension.class)
class BadInputAndIsolationIT {

  private static final String SLOW_SCRIPT =
      "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":1500}},{\"think\":\"still here\"}],"
          + "\"output\":\"bystander done\"}";

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire();
  }

  @ArquillianResource URL base;

  @Test
  void everyBadMessageGetsItsErrorAndTheConnectionStaysUsable() {
    try (WireClient bystander = WireClient.connect(base, "bystander");
        WireClient client = WireClient.connect(base, "mallory")) {
      String bystanderRun = bystander.startScript("b1", SLOW_SCRIPT);

      assertError(client, "{nope", null, "invalid_json");
      assertError(client, "[1,2]", null, "invalid_message");
      assertError(client, "{\"request_id\":\"m1\"}", "m1", "invalid_message");
      assertError(client, "{\"type\":7,\"request_id\":\"m2\"}", "m2", "invalid_message");
      assertError(
          client, "{\"type\":\"start_run\",\"request_id\":\"m3\"}", "m3", "invalid_message");
      assertError(
          client,
          "{\"type\":\"start_run\",\"input\":42,\"request_id\":\"m4\"}",
          "m4",
          "invalid_message");
      assertError(
          client,
          "{\"type\":\"start_run\",\"input\":\""
              + "x".repeat(32 * 1024 + 1)
              + "\",\"request_id\":\"m5\"}",
          "m5",
          "invalid_message");
      assertError(
          client,
          "{\"type\":\"start_run\",\"input\":\"hi\",\"thread_id\":5,\"request_id\":\"m6\"}",
          "m6",
          "invalid_message");
      assertError(
          client, "{\"type\":\"cancel_run\",\"request_id\":\"m7\"}", "m7", "invalid_message");
      assertError(
          client, "{\"type\":\"launch_rockets\",\"request_id\":\"m8\"}", "m8", "unknown_type");
      assertError(
          client,
          "{\"type\":\"start_run\",\"input\":\"hi\",\"agent\":\"nobody\",\"request_id\":\"m9\"}",
          "m9",
          "unknown_agent");
      assertError(
          client,
          "{\"type\":\"start_run\",\"input\":\"hi\",\"thread_id\":\"t-made-up\",\"request_id\":\"m10\"}",
          "m10",
          "thread_not_found");
      assertError(
          client,
          "{\"type\":\"cancel_run\",\"run_id\":\"r-made-up\",\"request_id\":\"m11\"}",
          "m11",
          "run_not_found");
      java.util.function.Predicate<JsonObject> isPong = m -> "pong".equals(m.getString("type"));
      int pongs = client.received(isPong).size();
      client.send("{\"type\":\"ping\",\"request_id\":{\"not\":\"a string\"}}");
      JsonObject pong = client.awaitCount(isPong, pongs + 1, "a pong").get(pongs);
      assertFalse(pong.containsKey("request_id"), "a request_id that is not a string is ignored");

      client.sendBinary(new byte[] {1, 2, 3});
      JsonObject binary =
          client.await(
              m ->
                  "error".equals(m.getString("type"))
                      && "unsupported_frame".equals(m.getString("code")),
              "unsupported_frame");
      assertFalse(binary.containsKey("request_id"));
      assertPongs(client, "still-alive");

      List<JsonObject> bystanderEvents = bystander.runEvents(bystanderRun);
      assertEquals(
          "succeeded",
          bystanderEvents
              .get(bystanderEvents.size() - 1)
              .getJsonObject("data")
              .getString("status"));
      assertTrue(RunInvariants.violations(bystander.received(), true).isEmpty());
      assertTrue(
          bystander.received(m -> "error".equals(m.getString("type"))).isEmpty(),
          bystander.received().toString());
    }
  }

  @Test
  void aUserCannotCancelOrContinueAnotherUsersRun() {
    try (WireClient owner = WireClient.connect(base, "olivia");
        WireClient intruder = WireClient.connect(base, "ivan")) {
      JsonObject accepted = owner.startRun("o1", "scripted", SLOW_SCRIPT);
      String runId = accepted.getString("run_id");
      String threadId = accepted.getString("thread_id");

      assertError(
          intruder,
          "{\"type\":\"cancel_run\",\"run_id\":\"" + runId + "\",\"request_id\":\"i1\"}",
          "i1",
          "run_not_found");
      assertError(
          intruder,
          "{\"type\":\"start_run\",\"input\":\"hi\",\"thread_id\":\""
              + threadId
              + "\",\"request_id\":\"i2\"}",
          "i2",
          "thread_not_found");

      List<JsonObject> events = owner.runEvents(runId);
      assertEquals(
          "succeeded", events.get(events.size() - 1).getJsonObject("data").getString("status"));
      assertTrue(
          intruder.received(m -> m.containsKey("seq")).isEmpty(), intruder.received().toString());
    }
  }

  @Test
  void aSixthConcurrentRunIsRefusedAndFinishedRunsFreeTheirSlots() {
    try (WireClient client = WireClient.connect(base, "busy")) {
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        runs.add(
            client.startScript(
                "s" + i, "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":2500}}]}"));
      }
      assertError(
          client,
          "{\"type\":\"start_run\",\"agent\":\"scripted\",\"input\":\"{}\",\"request_id\":\"s5\"}",
          "s5",
          "too_many_runs");
      for (String runId : runs) {
        client.send("{\"type\":\"cancel_run\",\"run_id\":\"" + runId + "\"}");
      }
      for (String runId : runs) {
        List<JsonObject> events = client.runEvents(runId);
        assertEquals(
            "cancelled", events.get(events.size() - 1).getJsonObject("data").getString("status"));
      }
      assertEquals(
          "run_accepted", client.startRun("s6", "scripted", "{\"steps\":[]}").getString("type"));
      assertTrue(RunInvariants.violations(client.received(), false).isEmpty());
    }
  }

  @Test
  void aFloodIsRateLimitedAndTheConnectionRecovers() {
    try (WireClient client = WireClient.connect(base, "flooder")) {
      int flood = Deployments.RATE_BURST * 3;
      for (int i = 0; i < flood; i++) {
        client.send("{\"type\":\"ping\",\"request_id\":\"f" + i + "\"}");
      }
      // Over the rate, a frame is dropped unread: its answer is rate_limited, without request_id.
      Predicate<JsonObject> answer =
          m ->
              m.getString("request_id", "").startsWith("f")
                  || "rate_limited".equals(m.getString("code", null));
      client.awaitCount(answer, flood, "an answer to each of the " + flood + " pings");
      List<JsonObject> limited =
          client.received(m -> "rate_limited".equals(m.getString("code", null)));
      assertTrue(
          limited.size() >= flood - Deployments.RATE_BURST - 5, "limited: " + limited.size());
      assertTrue(limited.stream().noneMatch(m -> m.containsKey("request_id")), limited.toString());
      assertEquals(flood, client.received(answer).size(), "every message gets exactly one answer");
      assertPongsEventually(client);
    }
  }

  @Test
  void aFrameOver64KibClosesWith1009() {
    try (WireClient client = WireClient.connect(base, "big")) {
      client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
      assertEquals(1009, client.awaitClose());
    }
    try (WireClient again = WireClient.connect(base, "big")) {
      assertPongs(again, "after-1009");
    }
  }

  @Test
  void twentyUsersWithTwoTabsEachSeeExactlyTheirOwnRuns() throws Exception {
    int users = 20;
    int runsPerUser = 3;
    List<WireClient[]> tabs = new ArrayList<>();
    try {
      for (int u = 0; u < users; u++) {
        tabs.add(
            new WireClient[] {
              WireClient.connect(base, "user" + u), WireClient.connect(base, "user" + u)
            });
      }
      ExecutorService starters = Executors.newFixedThreadPool(8);
      List<Future<List<String>>> started = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        WireClient[] pair = tabs.get(u);
        int user = u;
        started.add(
            starters.submit(
                () -> {
                  List<String> runIds = new ArrayList<>();
                  for (int r = 0; r < runsPerUser; r++) {
                    String script =
                        "{\"steps\":[{\"think\":\"u"
                            + user
                            + " r"
                            + r
                            + "\"},{\"tool\":\"echo\",\"arguments\":{\"user\":"
                            + user
                            + "}},{\"tool\":\"sleep\",\"arguments\":{\"ms\":50}}],\"output\":\"u"
                            + user
                            + "\"}";
                    runIds.add(pair[r % 2].startScript("u" + user + "r" + r, script));
                  }
                  return runIds;
                }));
      }
      starters.shutdown();
      assertTrue(starters.awaitTermination(60, TimeUnit.SECONDS));
      Set<String> everyRun = new HashSet<>();
      List<Set<String>> runsByUser = new ArrayList<>();
      for (Future<List<String>> f : started) {
        Set<String> own = new HashSet<>(f.get());
        runsByUser.add(own);
        everyRun.addAll(own);
      }
      assertEquals(users * runsPerUser, everyRun.size());
      for (int u = 0; u < users; u++) {
        for (WireClient tab : tabs.get(u)) {
          for (String runId : runsByUser.get(u)) {
            List<JsonObject> events = tab.runEvents(runId);
            assertEquals(
                "u" + u, events.get(events.size() - 1).getJsonObject("data").getString("output"));
          }
          Set<String> seen = new HashSet<>();
          tab.received(m -> m.containsKey("seq")).forEach(m -> seen.add(m.getString("run_id")));
          assertEquals(runsByUser.get(u), seen, "user" + u + " saw other runs");
          List<String> violations = RunInvariants.violations(tab.received(), true);
          assertTrue(violations.isEmpty(), String.join("\n", violations));
        }
        List<String> firstTab = ids(tabs.get(u)[0]);
        assertEquals(
            firstTab, ids(tabs.get(u)[1]), "both tabs see the same stream in the same order");
      }
    } finally {
      tabs.forEach(pair -> List.of(pair).forEach(WireClient::close));
    }
  }

  private static List<String> ids(WireClient tab) {
    return tab.received(m -> m.containsKey("seq")).stream().map(m -> m.getString("id")).toList();
  }

  private static void assertError(WireClient client, String frame, String requestId, String code) {
    java.util.function.Predicate<JsonObject> isError = m -> "error".equals(m.getString("type"));
    int before = client.received(isError).size();
    client.send(frame);
    JsonObject error = client.awaitCount(isError, before + 1, code + " error").get(before);
    assertEquals(code, error.getString("code"), error.toString());
    assertFalse(error.getString("message").isBlank());
    if (requestId == null) {
      assertFalse(error.containsKey("request_id"), error.toString());
    } else {
      assertEquals(requestId, error.getString("request_id"), error.toString());
    }
    assertPongs(client, "after-" + code + "-" + before);
  }

  private static void assertPongs(WireClient client, String requestId) {
    client.send("{\"type\":\"ping\",\"request_id\":\"" + requestId + "\"}");
    assertEquals("pong", client.reply(requestId).getString("type"));
  }

  /** Pings one at a time until one is answered with a pong again; bounded by a deadline. */
  private static void assertPongsEventually(WireClient client) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; System.nanoTime() < deadline; i++) {
      String id = "recover" + i;
      // Its answer: the pong, or a rate_limited without request_id (the ping was not read).
      Predicate<JsonObject> answer =
          m ->
              id.equals(m.getString("request_id", null))
                  || "rate_limited".equals(m.getString("code", null));
      int before = client.received(answer).size();
      client.send("{\"type\":\"ping\",\"request_id\":\"" + id + "\"}");
      JsonObject reply = client.awaitCount(answer, before + 1, "an answer to " + id).get(before);
      if ("pong".equals(reply.getString("type"))) {
        return;
      }
      assertEquals("rate_limited", reply.getString("code"), reply.toString());
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // slow down, as a client should
    }
    throw new AssertionError("the connection did not recover from rate limiting within 10 s");
  }
}
