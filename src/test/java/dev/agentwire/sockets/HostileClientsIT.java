package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.FrameSocket;
import dev.agentwire.testing.HostileFrames;
import dev.agentwire.testing.ReadmeServer;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.Tokens;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What hostile and careless clients do, tried from outside against AgentWire started as the
 * README's run command starts it, at its default settings: nothing one connection sends stops
 * anyone else's delivery, everything that leaves the server is valid UTF-8 and JSON, and each limit
 * answers the way the contract says. The server's log must show no SEVERE entry for any of it: a
 * hostile client is an expected event, not a server failure.
 */
@TestMethodOrder(OrderAnnotation.class)
class HostileClientsIT {

  private static final int PORT = 18280;
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Frames that cannot reach the abuse close at the defaults: the burst and 950 over the rate. */
  private static final int BELOW_CLOSE = 1_150;

  private static final Predicate<JsonObject> PONG = m -> "pong".equals(m.getString("type", null));

  private static ReadmeServer server;
  private static URL base;
  private static int logMark;

  /** Opened first, never answers a ping: the idle timeout must close it (the last test). */
  private static FrameSocket silentPeer;

  private static long silentPeerOpened;

  @BeforeAll
  static void start() throws IOException {
    server = ReadmeServer.start(PORT, "hostile", Duration.ofMinutes(3));
    base = server.base();
    logMark = server.logMark();
    silentPeer = FrameSocket.open(base, "", Tokens.valid("sleeper"), false);
    silentPeerOpened = System.nanoTime();
  }

  @AfterAll
  static void stop() throws IOException {
    if (silentPeer != null) {
      silentPeer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void aLoneSurrogateStopsNoOneElsesDelivery() throws IOException {
    try (FrameSocket mallory = FrameSocket.open(base, "", Tokens.valid("mallory"), true);
        WireClient alice = WireClient.connect(base, "alice")) {
      mallory.sendText("{\"type\":\"ping\",\"request_id\":\"\\ud800\"}");
      JsonObject refused = mallory.await(isError("invalid_message"), WAIT, "invalid_message");
      assertFalse(refused.containsKey("request_id"), "an invalid request_id is not echoed");
      assertTrue(refused.getString("message").contains("surrogate"), refused.toString());
      mallory.sendText("{\"type\":\"start_run\",\"request_id\":\"s\",\"input\":\"a\\udc00b\"}");
      mallory.await(isError("invalid_message"), WAIT, "the start_run refused");

      String run =
          alice.startScript(
              "a1", "{\"steps\":[{\"tool\":\"echo\",\"arguments\":{}}],\"output\":\"fine\"}");
      List<JsonObject> events = alice.runEvents(run);
      assertEquals(List.of(), RunInvariants.violations(events, true));
      assertEquals("fine", events.get(events.size() - 1).getJsonObject("data").getString("output"));
      assertPongs(mallory, "after");
      assertEquals(List.of(), mallory.defects());
    }
  }

  @Test
  @Order(2)
  void aSurrogateInAnyFieldOfAClientMessageIsRefused() throws IOException {
    try (FrameSocket client = FrameSocket.open(base, "", Tokens.valid("fields"), true)) {
      List<String> frames =
          List.of(
              "{\"type\":\"start_run\",\"request_id\":\"f1\",\"input\":\"\\ud83d\"}",
              "{\"type\":\"start_run\",\"request_id\":\"f2\",\"input\":\"hi\",\"agent\":\"x\\udfff\"}",
              "{\"type\":\"start_run\",\"request_id\":\"f3\",\"input\":\"hi\",\"thread_id\":\"\\ud800\"}",
              "{\"type\":\"cancel_run\",\"request_id\":\"f4\",\"run_id\":\"r-\\udbff\"}",
              "{\"type\":\"ping\",\"request_id\":\"f5\",\"extra\":[\"ok\",\"\\udc00\"]}",
              "{\"type\":\"ping\",\"request_id\":\"f6\",\"\\ud800key\":1}");
      for (String frame : frames) {
        client.sendText(frame);
      }
      for (int i = 1; i <= frames.size(); i++) {
        String requestId = "f" + i;
        JsonObject answer =
            client.await(m -> requestId.equals(m.getString("request_id", null)), WAIT, requestId);
        assertEquals("invalid_message", answer.getString("code", null), answer.toString());
      }
      assertPongs(client, "still-usable");
      assertEquals(List.of(), client.defects());
    }
  }

  @Test
  @Order(3)
  void agentAndToolTextWithSurrogatesArrivesAsValidUtf8AndResumesAsIt() throws IOException {
    // The script is JSON inside the input string: its own escapes decode to lone surrogates only
    // inside the agent, as text from an agent, a tool or an LLM would.
    String script =
        "{\"steps\":[{\"think\":\"x\\ud800y\"},"
            + "{\"tool\":\"echo\",\"arguments\":{\"text\":\"\\udc00\",\"\\ud83dk\":1}}],"
            + "\"output\":\"end\\ud83d\"}";
    String runId;
    String firstEventId;
    try (FrameSocket client = FrameSocket.open(base, "", Tokens.valid("agent-text"), true)) {
      client.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"t1\",\"agent\":\"scripted\",\"input\":\""
              + HostileFrames.escape(script)
              + "\"}");
      JsonObject accepted =
          client.await(m -> "t1".equals(m.getString("request_id", null)), WAIT, "t1");
      assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
      runId = accepted.getString("run_id");
      List<JsonObject> events = completedRun(client, runId);
      assertTextsReplaced(events);
      assertEquals(List.of(), client.defects());
      firstEventId = events.get(0).getString("id");
    }
    String query = "last_event_id=" + URLEncoder.encode(firstEventId, StandardCharsets.UTF_8);
    try (FrameSocket resumed = FrameSocket.open(base, query, Tokens.valid("agent-text"), true)) {
      JsonObject done =
          resumed.await(m -> "resumed".equals(m.getString("type", null)), WAIT, "resumed");
      assertTrue(done.getInt("replayed") >= 4, done.toString());
      List<JsonObject> replayed =
          resumed.messages().stream()
              .filter(m -> runId.equals(m.getString("run_id", null)))
              .toList();
      assertTextsReplaced(replayed);
      assertEquals(List.of(), resumed.defects());
    }
  }

  private static void assertTextsReplaced(List<JsonObject> events) {
    String all = events.toString();
    assertTrue(all.contains("x\uFFFDy"), all);
    assertTrue(all.contains("\"text\":\"\uFFFD\""), all);
    assertTrue(all.contains("\"\uFFFDk\":1"), all);
    assertTrue(all.contains("end\uFFFD"), all);
  }

  @Test
  @Order(4)
  void calculatorBombsAndLongInputsEndWithAnAnswer() throws IOException {
    try (FrameSocket client = FrameSocket.open(base, "", Tokens.valid("bomber"), true)) {
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        client.sendText(
            "{\"type\":\"start_run\",\"request_id\":\"b"
                + i
                + "\",\"input\":\"what is ((10^1000)^1000)^700?\"}");
      }
      for (int i = 0; i < 5; i++) {
        String requestId = "b" + i;
        JsonObject accepted =
            client.await(m -> requestId.equals(m.getString("request_id", null)), WAIT, requestId);
        assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
        runs.add(accepted.getString("run_id"));
      }
      for (String run : runs) {
        List<JsonObject> events = completedRun(client, run);
        JsonObject tool =
            events.stream()
                .filter(m -> "tool_completed".equals(m.getString("type")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no tool call in " + events));
        assertEquals("error", tool.getJsonObject("data").getString("status"), tool.toString());
        assertTrue(
            tool.getJsonObject("data").getString("error").contains("too large"), tool.toString());
      }

      String ones = "1 ".repeat(16 * 1024); // the longest input a run takes: 32 KiB
      client.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"ones\",\"input\":\"" + ones + "\"}");
      JsonObject accepted =
          client.await(m -> "ones".equals(m.getString("request_id", null)), WAIT, "ones");
      assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
      List<JsonObject> events = completedRun(client, accepted.getString("run_id"));
      assertEquals(
          "succeeded", events.get(events.size() - 1).getJsonObject("data").getString("status"));
    }
  }

  /**
   * Sends text (or, with {@code text} null, binary) frames until the server closes for abuse. First
   * {@link #BELOW_CLOSE} at full speed: with the defaults (a burst of 200, then 1,000 frames over
   * the rate) they cannot close the connection, however fast they arrive. Then small batches, each
   * answered by the server (every frame it reads gets a reply, a pong or an error, until the one
   * that closes) before the next is sent: no frame is left unread in the kernel when it closes, so
   * its close is a close frame, not a reset that could overtake one.
   */
  private static void flood(
      FrameSocket socket, java.util.function.IntFunction<String> text, byte[] binary) {
    int before = socket.messages().size();
    int i = 0;
    try {
      for (; i < BELOW_CLOSE && !socket.isClosed(); i++) {
        send(socket, text, binary, i);
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!socket.isClosed() && System.nanoTime() < deadline) {
        for (int k = 0; k < 10; k++) {
          send(socket, text, binary, i++);
        }
        int sent = i;
        Await.until(
            () -> socket.isClosed() || socket.messages().size() - before >= sent,
            WAIT,
            "the server to answer " + sent + " flood frames, or to close");
      }
    } catch (IOException e) {
      // closed under us: awaitClose reports how
    }
  }

  private static void send(
      FrameSocket socket, java.util.function.IntFunction<String> text, byte[] binary, int i)
      throws IOException {
    if (text != null) {
      socket.sendText(text.apply(i));
    } else {
      socket.send(FrameSocket.BINARY, true, binary);
    }
  }

  @Test
  @Order(7)
  void aSustainedFloodIsRateLimitedThenClosedWith1008() throws Exception {
    try (FrameSocket flooder = FrameSocket.open(base, "", Tokens.valid("flood"), true);
        FrameSocket sameUser = FrameSocket.open(base, "", Tokens.valid("flood"), true);
        FrameSocket binary = FrameSocket.open(base, "", Tokens.valid("flood-binary"), true)) {
      // Until the server closes (the defaults: a burst of 200, then 1,000 frames over the rate,
      // less 10 forgiven a second, so a slow sender needs more): see flood.
      flood(flooder, i -> "{\"type\":\"ping\",\"request_id\":\"p" + i + "\"}", null);
      assertEquals(1008, flooder.awaitClose(WAIT));
      JsonObject limited = flooder.await(isError("rate_limited"), WAIT, "rate_limited");
      assertFalse(limited.containsKey("request_id"), "a frame over the rate is not read");

      flood(binary, null, new byte[] {1, 2, 3});
      assertEquals(1008, binary.awaitClose(WAIT));

      assertPongs(sameUser, "the-same-user-elsewhere");
      assertEquals(List.of(), flooder.defects());
      assertEquals(List.of(), binary.defects());
    }
  }

  @Test
  @Order(8)
  void textThatIsNotUtf8ClosesOnlyItsConnection() throws IOException {
    try (FrameSocket broken = FrameSocket.open(base, "", Tokens.valid("bytes"), true);
        FrameSocket sameUser = FrameSocket.open(base, "", Tokens.valid("bytes"), true)) {
      broken.send(FrameSocket.TEXT, true, new byte[] {'{', (byte) 0xc3, 0x28, '}'});
      assertEquals(1007, broken.awaitClose(WAIT), "1007: invalid frame payload data");
      assertPongs(sameUser, "unaffected");
    }
  }

  /**
   * Thousands of generated hostile frames (seeded: a failure names its seed) from four users, paced
   * under the rate limit so that every one is read, mixed with fragmented, binary and control
   * frames. Afterwards every connection still answers, nothing sent was invalid, a bystander's run
   * is whole, and the server logged nothing SEVERE.
   */
  @Test
  @Order(9)
  void generatedHostileFramesLeaveEveryoneServed() throws Exception {
    long seed = Long.getLong("agentwire.fuzz.seed", System.nanoTime());
    int perConnection = Integer.getInteger("agentwire.fuzz.frames", 800);
    List<FrameSocket> fuzzers = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try (WireClient bystander = WireClient.connect(base, "bystander")) {
      for (int i = 0; i < 4; i++) {
        fuzzers.add(FrameSocket.open(base, "", Tokens.valid("fuzz-" + i), true));
      }
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < fuzzers.size(); i++) {
        FrameSocket socket = fuzzers.get(i);
        HostileFrames frames = new HostileFrames(seed + i);
        sent.add(senders.submit(() -> fuzz(socket, frames, perConnection)));
      }
      String run =
          bystander.startScript(
              "by",
              "{\"steps\":[{\"think\":\"meanwhile\"},{\"tool\":\"sleep\",\"arguments\":{\"ms\":500}},"
                  + "{\"tool\":\"echo\",\"arguments\":{\"ok\":true}}],\"output\":\"served\"}");
      List<JsonObject> events = bystander.runEvents(run);
      assertEquals(List.of(), RunInvariants.violations(events, true), "seed " + seed);
      for (int i = 0; i < sent.size(); i++) {
        try {
          sent.get(i).get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          throw new AssertionError("seed " + (seed + i) + ": sending failed", e.getCause());
        }
      }
      for (int i = 0; i < fuzzers.size(); i++) {
        FrameSocket socket = fuzzers.get(i);
        assertFalse(socket.isClosed(), "seed " + (seed + i) + ": fuzz connection " + i + " closed");
        assertPongs(socket, "after-fuzz-" + i);
        assertEquals(List.of(), socket.defects(), "seed " + (seed + i));
      }
      bystander.send("{\"type\":\"ping\",\"request_id\":\"bystander-after\"}");
      assertEquals("pong", bystander.reply("bystander-after").getString("type"));
    } finally {
      senders.shutdownNow();
      for (FrameSocket socket : fuzzers) {
        socket.close();
      }
    }
    assertEquals(List.of(), server.severeSince(logMark), "seed " + seed);
  }

  /** Sends {@code count} frames at under 80 a second, some split, some binary or control. */
  private static Void fuzz(FrameSocket socket, HostileFrames frames, int count) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      switch (frames.nextInt(20)) {
        case 0 -> socket.send(FrameSocket.BINARY, true, frames.bytes(300));
        case 1 -> socket.send(FrameSocket.PING, true, frames.bytes(100));
        case 2 -> socket.send(FrameSocket.PONG, true, frames.bytes(100));
        case 3 -> {
          byte[] text = frames.frame().getBytes(StandardCharsets.UTF_8);
          int cut = text.length / 2;
          socket.send(FrameSocket.TEXT, false, java.util.Arrays.copyOfRange(text, 0, cut));
          socket.send(FrameSocket.PING, true, new byte[] {7});
          socket.send(
              FrameSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(text, cut, text.length));
        }
        default -> socket.sendText(frames.frame());
      }
      long due = start + TimeUnit.MILLISECONDS.toNanos(13L * (i + 1));
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    return null;
  }

  /** The peer that never answered a ping was pinged, then closed with 1001 by the idle timeout. */
  @Test
  @Order(10)
  void aSilentPeerIsPingedThenClosedByTheIdleTimeout() {
    long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - silentPeerOpened);
    int code = silentPeer.awaitClose(Duration.ofSeconds(Math.max(5, 80 - elapsed)));
    assertEquals(1001, code);
    assertFalse(silentPeer.pingsReceived().isEmpty(), "the server pinged first");
    assertEquals(List.of(), silentPeer.defects());
    assertEquals(List.of(), server.severeSince(logMark), "nothing SEVERE for anything above");
  }

  private static List<JsonObject> completedRun(FrameSocket client, String runId) {
    client.await(
        m ->
            runId.equals(m.getString("run_id", null))
                && "agent_completed".equals(m.getString("type")),
        Duration.ofSeconds(45),
        "agent_completed of " + runId);
    List<JsonObject> events =
        client.messages().stream()
            .filter(m -> runId.equals(m.getString("run_id", null)) && m.containsKey("seq"))
            .toList();
    assertEquals(List.of(), RunInvariants.violations(events, true), events.toString());
    return events;
  }

  private static Predicate<JsonObject> isError(String code) {
    return m -> "error".equals(m.getString("type", null)) && code.equals(m.getString("code", null));
  }

  private static void assertPongs(FrameSocket client, String requestId) throws IOException {
    client.sendText("{\"type\":\"ping\",\"request_id\":\"" + requestId + "\"}");
    JsonObject pong =
        client.await(
            m -> requestId.equals(m.getString("request_id", null)), WAIT, "a pong to " + requestId);
    assertTrue(PONG.test(pong), pong.toString());
  }
}
