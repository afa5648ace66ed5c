package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventData;
import dev.agentwire.events.EventFrame;
import dev.agentwire.events.EventType;
import dev.agentwire.sockets.ClientMessage.CancelRun;
import dev.agentwire.sockets.ClientMessage.Ping;
import dev.agentwire.sockets.ClientMessage.StartRun;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Client frames parse into messages or precise errors; server messages serialize as protocol v1.
 */
class WireFormatTest {

  private final WireFormat wire = new WireFormat(new EventCodec());

  private ProtocolError error(String frame) {
    return assertThrows(ProtocolError.class, () -> wire.read(frame));
  }

  private void assertError(String code, String requestId, String message, String frame) {
    ProtocolError e = error(frame);
    assertEquals(code, e.code(), "code");
    assertEquals(requestId, e.requestId(), "request id");
    assertEquals(message, e.getMessage(), "message");
  }

  private static String startRunWithInput(String input) {
    return Json.createObjectBuilder()
        .add("type", "start_run")
        .add("request_id", "c1")
        .add("input", input)
        .build()
        .toString();
  }

  // reading

  @Test
  void readsAFullStartRun() throws ProtocolError {
    assertEquals(
        new StartRun("c1", "what is 2+2?", "t-7", "assistant"),
        wire.read(
            "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":\"what is 2+2?\","
                + "\"thread_id\":\"t-7\",\"agent\":\"assistant\"}"));
  }

  @Test
  void readsAMinimalStartRun() throws ProtocolError {
    assertEquals(
        new StartRun(null, "hi", null, null),
        wire.read("{\"type\":\"start_run\",\"input\":\"hi\"}"));
  }

  @Test
  void nullOptionalFieldsAreAbsent() throws ProtocolError {
    assertEquals(
        new StartRun(null, "hi", null, null),
        wire.read(
            "{\"type\":\"start_run\",\"input\":\"hi\",\"thread_id\":null,\"agent\":null,"
                + "\"request_id\":null}"));
  }

  @Test
  void readsACancelRun() throws ProtocolError {
    assertEquals(
        new CancelRun("c2", "r-1"),
        wire.read("{\"type\":\"cancel_run\",\"request_id\":\"c2\",\"run_id\":\"r-1\"}"));
    assertEquals(
        new CancelRun(null, "r-1"), wire.read("{\"type\":\"cancel_run\",\"run_id\":\"r-1\"}"));
  }

  @Test
  void readsAPing() throws ProtocolError {
    assertEquals(new Ping("c9"), wire.read("{\"type\":\"ping\",\"request_id\":\"c9\"}"));
    assertEquals(new Ping(null), wire.read(" { \"type\" : \"ping\" } "));
  }

  @Test
  void unknownFieldsAreIgnored() throws ProtocolError {
    assertEquals(
        new Ping("c9"), wire.read("{\"type\":\"ping\",\"request_id\":\"c9\",\"extra\":[1,2]}"));
  }

  @Test
  void malformedTextIsInvalidJson() {
    assertError("invalid_json", null, "the frame is not valid JSON", "{\"type\":\"ping\"");
    assertError("invalid_json", null, "the frame is not valid JSON", "nul");
    assertError("invalid_json", null, "the frame is not valid JSON", "hello");
    assertError("invalid_json", null, "the frame is not valid JSON", "");
    assertError(
        "invalid_json",
        null,
        "the frame is not valid JSON",
        "{\"type\":\"ping\",\"request_id\":\"c1\",}");
  }

  @Test
  void anythingButAnObjectIsInvalid() {
    assertError("invalid_message", null, "a message must be a JSON object", "[]");
    assertError(
        "invalid_message", null, "a message must be a JSON object", "[{\"type\":\"ping\"}]");
    assertError("invalid_message", null, "a message must be a JSON object", "\"ping\"");
    assertError("invalid_message", null, "a message must be a JSON object", "42");
    assertError("invalid_message", null, "a message must be a JSON object", "null");
  }

  @Test
  void theTypeIsRequired() {
    assertError(
        "invalid_message",
        "c1",
        "type is required and must be a string",
        "{\"request_id\":\"c1\",\"input\":\"hi\"}");
    assertError("invalid_message", null, "type is required and must be a string", "{}");
  }

  @Test
  void theTypeMustBeAString() {
    assertError(
        "invalid_message",
        "c1",
        "type is required and must be a string",
        "{\"type\":1,\"request_id\":\"c1\"}");
    assertError(
        "invalid_message",
        "c1",
        "type is required and must be a string",
        "{\"type\":null,\"request_id\":\"c1\"}");
    assertError(
        "invalid_message",
        "c1",
        "type is required and must be a string",
        "{\"type\":[\"ping\"],\"request_id\":\"c1\"}");
  }

  @Test
  void startRunRequiresAnInput() {
    assertError(
        "invalid_message",
        "c1",
        "input is required",
        "{\"type\":\"start_run\",\"request_id\":\"c1\"}");
    assertError(
        "invalid_message",
        "c1",
        "input is required",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":null}");
  }

  @Test
  void theInputMustBeAString() {
    assertError(
        "invalid_message",
        "c1",
        "input must be a string",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":42}");
    assertError(
        "invalid_message",
        "c1",
        "input must be a string",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":{\"text\":\"hi\"}}");
  }

  @Test
  void anInputOf32KibibytesIsAccepted() throws ProtocolError {
    String ascii = "a".repeat(32 * 1024);
    String twoByteChars = "é".repeat(16 * 1024);
    assertEquals(32 * 1024, twoByteChars.getBytes(StandardCharsets.UTF_8).length);

    assertEquals(ascii, ((StartRun) wire.read(startRunWithInput(ascii))).input());
    assertEquals(twoByteChars, ((StartRun) wire.read(startRunWithInput(twoByteChars))).input());
  }

  @Test
  void anInputOverThe32KibibyteLimitIsRefused() {
    assertError(
        "invalid_message",
        "c1",
        "input is longer than 32768 bytes",
        startRunWithInput("a".repeat(32 * 1024 + 1)));
  }

  @Test
  void theInputLimitCountsUtf8BytesNotCharacters() {
    String twoByteChars = "é".repeat(16 * 1024 + 1);
    String threeByteChars = "€".repeat(11_000);
    String fourByteChars = "😀".repeat(8 * 1024 + 1);
    assertEquals(16 * 1024 + 1, twoByteChars.length(), "far fewer than 32768 characters");
    assertEquals(11_000, threeByteChars.length());

    assertError(
        "invalid_message",
        "c1",
        "input is longer than 32768 bytes",
        startRunWithInput(twoByteChars));
    assertError(
        "invalid_message",
        "c1",
        "input is longer than 32768 bytes",
        startRunWithInput(threeByteChars));
    assertError(
        "invalid_message",
        "c1",
        "input is longer than 32768 bytes",
        startRunWithInput(fourByteChars));
  }

  @Test
  void theThreadIdMustBeAString() {
    assertError(
        "invalid_message",
        "c1",
        "thread_id must be a string",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":\"hi\",\"thread_id\":7}");
  }

  @Test
  void theAgentMustBeAString() {
    assertError(
        "invalid_message",
        "c1",
        "agent must be a string",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":\"hi\",\"agent\":true}");
  }

  @Test
  void cancelRunRequiresARunId() {
    assertError(
        "invalid_message",
        "c2",
        "run_id is required",
        "{\"type\":\"cancel_run\",\"request_id\":\"c2\"}");
    assertError(
        "invalid_message",
        "c2",
        "run_id must be a string",
        "{\"type\":\"cancel_run\",\"request_id\":\"c2\",\"run_id\":12}");
  }

  @Test
  void anUnknownTypeIsNamedInTheError() {
    assertError(
        "unknown_type",
        "c3",
        "unknown message type 'subscribe'",
        "{\"type\":\"subscribe\",\"request_id\":\"c3\"}");
    assertError("unknown_type", null, "unknown message type 'PING'", "{\"type\":\"PING\"}");
  }

  @Test
  void theRequestIdIsEchoedOnlyWhenItIsAString() {
    assertEquals("c4", error("{\"type\":\"nope\",\"request_id\":\"c4\"}").requestId());
    assertEquals("", error("{\"type\":\"nope\",\"request_id\":\"\"}").requestId());
    assertNull(error("{\"type\":\"nope\",\"request_id\":4}").requestId());
    assertNull(error("{\"type\":\"nope\",\"request_id\":{\"id\":\"c4\"}}").requestId());
    assertNull(error("{\"type\":\"nope\"}").requestId());
  }

  @Test
  void aRequestIdThatIsNotAStringIsDroppedFromTheMessage() throws ProtocolError {
    assertEquals(new Ping(null), wire.read("{\"type\":\"ping\",\"request_id\":4}"));
  }

  // writing

  @Test
  void runAcceptedHasTheProtocolsShape() {
    assertEquals(
        "{\"type\":\"run_accepted\",\"request_id\":\"c1\",\"run_id\":\"r-1\",\"thread_id\":\"t-1\"}",
        wire.write(new ServerMessages.RunAccepted("c1", "r-1", "t-1")));
  }

  @Test
  void pongEchoesTheRequestId() {
    assertEquals(
        "{\"type\":\"pong\",\"request_id\":\"c9\"}", wire.write(new ServerMessages.Pong("c9")));
    assertEquals("{\"type\":\"pong\"}", wire.write(new ServerMessages.Pong(null)));
  }

  @Test
  void anErrorReplyHasTheProtocolsShape() {
    assertEquals(
        "{\"type\":\"error\",\"request_id\":\"c1\",\"code\":\"invalid_message\","
            + "\"message\":\"input is required\"}",
        wire.write(new ServerMessages.ErrorReply("c1", "invalid_message", "input is required")));
  }

  @Test
  void anErrorReplyWithoutRequestIdOmitsIt() {
    assertEquals(
        "{\"type\":\"error\",\"code\":\"invalid_json\",\"message\":\"the frame is not valid JSON\"}",
        wire.write(
            new ServerMessages.ErrorReply(null, "invalid_json", "the frame is not valid JSON")));
  }

  @Test
  void anEventFrameHasTheEnvelopeAndSnakeCaseData() {
    AgentEvent event =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            3,
            Instant.parse("2026-11-26T04:12:49.123Z"),
            EventType.TOOL_EXECUTING,
            new EventData.ToolExecuting(
                "c-1", "echo", Json.createObjectBuilder().add("x", 1).build()));

    assertJson(
        "{\"type\":\"tool_executing\",\"id\":\"e-17\",\"run_id\":\"r-1\",\"thread_id\":\"t-1\","
            + "\"seq\":3,\"ts\":\"2026-11-26T04:12:49.123Z\","
            + "\"data\":{\"arguments\":{\"x\":1},\"call_id\":\"c-1\",\"tool\":\"echo\"}}",
        wire.write(EventFrame.of("e-17", event)));
  }

  @Test
  void theOwnerNeverGoesOnTheWire() {
    AgentEvent event =
        new AgentEvent(
            "ada-the-owner",
            "r-1",
            "t-1",
            1,
            Instant.parse("2026-11-26T04:12:49.123Z"),
            EventType.AGENT_STARTED,
            new EventData.AgentStarted("assistant", "hi"));

    assertJson(
        "{\"type\":\"agent_started\",\"id\":\"e-1\",\"run_id\":\"r-1\",\"thread_id\":\"t-1\","
            + "\"seq\":1,\"ts\":\"2026-11-26T04:12:49.123Z\","
            + "\"data\":{\"agent\":\"assistant\",\"input\":\"hi\"}}",
        wire.write(EventFrame.of("e-1", event)));
  }

  @Test
  void toolCompletedDataUsesSnakeCaseAndOmitsAbsentFields() {
    AgentEvent ok =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            4,
            Instant.parse("2026-11-26T04:12:49.500Z"),
            EventType.TOOL_COMPLETED,
            new EventData.ToolCompleted(
                "c-1", "echo", "ok", Json.createObjectBuilder().add("x", 1).build(), null, 12));
    AgentEvent failed =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            5,
            Instant.parse("2026-11-26T04:12:49.500Z"),
            EventType.TOOL_COMPLETED,
            new EventData.ToolCompleted("c-2", "fail", "error", null, "backend down", 3));

    assertJson(
        "{\"call_id\":\"c-1\",\"duration_ms\":12,\"result\":{\"x\":1},\"status\":\"ok\","
            + "\"tool\":\"echo\"}",
        dataOf(wire.write(EventFrame.of("e-4", ok))));
    assertJson(
        "{\"call_id\":\"c-2\",\"duration_ms\":3,\"error\":\"backend down\",\"status\":\"error\","
            + "\"tool\":\"fail\"}",
        dataOf(wire.write(EventFrame.of("e-5", failed))));
  }

  @Test
  void aNullToolResultIsWrittenAsJsonNull() {
    AgentEvent event =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            4,
            Instant.parse("2026-11-26T04:12:49.500Z"),
            EventType.TOOL_COMPLETED,
            new EventData.ToolCompleted("c-1", "echo", "ok", JsonValue.NULL, null, 12));

    assertJson(
        "{\"call_id\":\"c-1\",\"duration_ms\":12,\"result\":null,\"status\":\"ok\","
            + "\"tool\":\"echo\"}",
        dataOf(wire.write(EventFrame.of("e-4", event))));
  }

  @Test
  void agentCompletedDataNestsTheFailure() {
    AgentEvent event =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            6,
            Instant.parse("2026-11-26T04:12:49.500Z"),
            EventType.AGENT_COMPLETED,
            new EventData.AgentCompleted(
                "failed", null, new EventData.Failure("agent_error", "agent gave up"), 1500));

    assertJson(
        "{\"duration_ms\":1500,\"error\":{\"code\":\"agent_error\",\"message\":\"agent gave up\"},"
            + "\"status\":\"failed\"}",
        dataOf(wire.write(EventFrame.of("e-6", event))));
  }

  @Test
  void timestampsAlwaysHaveThreeFractionalDigits() {
    assertEquals("2026-11-26T04:12:49.120Z", tsOf("2026-11-26T04:12:49.120Z"));
    assertEquals("2026-11-26T04:12:49.000Z", tsOf("2026-11-26T04:12:49Z"));
    assertEquals("2026-11-26T04:12:49.100Z", tsOf("2026-11-26T04:12:49.1Z"));
    assertEquals("2026-11-26T04:12:49.123Z", tsOf("2026-11-26T04:12:49.123456789Z"));
    assertEquals("2026-01-02T03:04:05.006Z", tsOf("2026-01-02T03:04:05.006Z"));
  }

  private String tsOf(String instant) {
    AgentEvent event =
        new AgentEvent(
            "ada",
            "r-1",
            "t-1",
            2,
            Instant.parse(instant),
            EventType.AGENT_THINKING,
            new EventData.AgentThinking("hm"));
    return json(wire.write(EventFrame.of("e-2", event))).getString("ts");
  }

  private static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  /** Compares JSON objects by content: the protocol fixes names and values, not the key order. */
  private static void assertJson(String expected, String actual) {
    assertEquals(json(expected), json(actual), actual);
  }

  private static String dataOf(String frame) {
    return json(frame).getJsonObject("data").toString();
  }

  @Test
  void textAfterTheObjectIsInvalidJson() {
    ProtocolError e =
        assertThrows(
            ProtocolError.class,
            () -> new WireFormat(new EventCodec()).read("{\"type\":\"ping\"} x"));
    assertEquals("invalid_json", e.code());
  }

  @Test
  void twoObjectsInOneFrameAreRefusedNotCutToOne() {
    ProtocolError e =
        assertThrows(
            ProtocolError.class,
            () ->
                new WireFormat(new EventCodec())
                    .read(
                        "{\"type\":\"ping\",\"request_id\":\"a\"}\n"
                            + "{\"type\":\"ping\",\"request_id\":\"b\"}"));
    assertEquals("invalid_json", e.code());
  }

  // text without a UTF-8 form

  @Test
  void aLoneSurrogateInTheRequestIdIsRefusedAndNotEchoed() {
    assertError(
        "invalid_message",
        null,
        "request_id holds an unpaired surrogate, which is not valid Unicode text",
        "{\"type\":\"ping\",\"request_id\":\"\\ud800\"}");
  }

  @Test
  void aLoneSurrogateInTheInputIsRefusedWithTheRequestId() {
    assertError(
        "invalid_message",
        "c1",
        "input holds an unpaired surrogate, which is not valid Unicode text",
        "{\"type\":\"start_run\",\"request_id\":\"c1\",\"input\":\"2+2 \\udc00\"}");
  }

  @Test
  void aLoneSurrogateAnywhereInTheMessageIsRefused() {
    assertError(
        "invalid_message",
        "c1",
        "extra.list[1] holds an unpaired surrogate, which is not valid Unicode text",
        "{\"type\":\"ping\",\"request_id\":\"c1\",\"extra\":{\"list\":[\"ok\",\"\\ud83d\"]}}");
    assertError(
        "invalid_message",
        null,
        "<a field name> holds an unpaired surrogate, which is not valid Unicode text",
        "{\"type\":\"ping\",\"\\ud800\":1}");
    assertError(
        "invalid_message",
        null,
        "type holds an unpaired surrogate, which is not valid Unicode text",
        "{\"type\":\"\\udfff\"}");
  }

  @Test
  void surrogatePairsAreOrdinaryText() throws ProtocolError {
    assertEquals(
        new StartRun("\uD83D\uDE00", "smile \uD83D\uDE00", null, null),
        wire.read(
            "{\"type\":\"start_run\",\"request_id\":\"\\ud83d\\ude00\","
                + "\"input\":\"smile \uD83D\uDE00\"}"));
  }

  @Test
  void whatTheServerWritesIsAlwaysValidUtf8() {
    String pong = wire.write(new ServerMessages.Pong("a\uD800b"));
    assertEquals("{\"type\":\"pong\",\"request_id\":\"a\uFFFDb\"}", pong);

    JsonObject arguments =
        Json.createObjectBuilder().add("k\uDC00", Json.createArrayBuilder().add("\uD83D")).build();
    String event =
        wire.write(
            EventFrame.of(
                "b-1",
                new AgentEvent(
                    "ann",
                    "r-1",
                    "t-1",
                    2,
                    Instant.parse("2026-11-26T04:12:49.120Z"),
                    EventType.TOOL_EXECUTING,
                    new EventData.ToolExecuting("c-1", "echo\uD800", arguments))));
    assertEquals(
        "{\"type\":\"tool_executing\",\"id\":\"b-1\",\"run_id\":\"r-1\",\"thread_id\":\"t-1\","
            + "\"seq\":2,\"ts\":\"2026-11-26T04:12:49.120Z\",\"data\":{\"arguments\":"
            + "{\"k\uFFFD\":[\"\uFFFD\"]},\"call_id\":\"c-1\",\"tool\":\"echo\uFFFD\"}}",
        event);
  }

  @Test
  void numbersPastAnyRangeAreNotAProblem() throws ProtocolError {
    assertEquals(
        new Ping("p"), wire.read("{\"type\":\"ping\",\"request_id\":\"p\",\"n\":1e999999999}"));
    assertEquals(
        "invalid_json",
        error("{\"type\":\"ping\",\"request_id\":\"p\",\"n\":-1e-99999999999999999999}").code(),
        "an exponent past what a number can hold");
  }

  @Test
  void deepNestingIsAClearError() {
    String deep = "[".repeat(60_000) + "]".repeat(60_000);
    ProtocolError e = error(deep);
    assertEquals("invalid_json", e.code(), e.getMessage());
    String deepObject = "{\"type\":\"ping\",\"x\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";
    assertEquals("invalid_json", error(deepObject).code());
  }

  @Test
  void anUnknownTypeIsQuotedShortly() {
    ProtocolError e = error("{\"type\":\"" + "x".repeat(10_000) + "\"}");
    assertEquals("unknown_type", e.code());
    assertEquals("unknown message type '" + "x".repeat(64) + "…'", e.getMessage());
  }
}
