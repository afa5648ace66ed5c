package dev.agentwire.sockets;

import dev.agentwire.events.EventCodec;
import dev.agentwire.events.Utf8;
import dev.agentwire.sockets.ClientMessage.CancelRun;
import dev.agentwire.sockets.ClientMessage.Ping;
import dev.agentwire.sockets.ClientMessage.StartRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The one place where protocol messages become JSON and back: one shared JSON-B instance with
 * snake_case names for everything the server sends, and checked parsing of what clients send.
 */
@ApplicationScoped
public class WireFormat {

  static final int MAX_INPUT_BYTES = 32 * 1024;

  /**
   * Made once: every {@code Json.createParser} looks the JSON-P provider up again, which in the
   * container scans the class path (a sixth of the CPU per request in the first profile).
   */
  private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

  private final EventCodec codec;

  /** For the container's proxy. */
  protected WireFormat() {
    this(null);
  }

  @Inject
  public WireFormat(EventCodec codec) {
    this.codec = codec;
  }

  /**
   * The JSON form of a server message, by the application's one JSON-B instance: always valid UTF-8
   * (see {@link EventCodec}).
   */
  public String write(Object message) {
    return codec.write(message);
  }

  /** Parses one client frame, or says precisely what is wrong with it. */
  public ClientMessage read(String text) throws ProtocolError {
    JsonValue document;
    try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
      parser.next();
      document = parser.getValue();
      if (parser.hasNext()) {
        throw new ProtocolError(
            "invalid_json", null, "a frame holds exactly one JSON value; found more after it");
      }
    } catch (RuntimeException e) {
      // JsonException for bad syntax, and whatever a parser throws on hostile input it did not
      // foresee (a number with an exponent past int, say): each means the frame is not acceptable.
      throw new ProtocolError("invalid_json", null, "the frame is not valid JSON");
    } catch (StackOverflowError e) {
      throw new ProtocolError("invalid_json", null, "the frame nests too deeply");
    }
    if (!(document instanceof JsonObject message)) {
      throw new ProtocolError("invalid_message", null, "a message must be a JSON object");
    }
    String requestId =
        message.get("request_id") instanceof JsonString id && Utf8.isWellFormed(id.getString())
            ? id.getString()
            : null;
    String malformed = firstMalformed(message);
    if (malformed != null) {
      throw new ProtocolError(
          "invalid_message",
          requestId,
          malformed + " holds an unpaired surrogate, which is not valid Unicode text");
    }
    if (!(message.get("type") instanceof JsonString type)) {
      throw new ProtocolError(
          "invalid_message", requestId, "type is required and must be a string");
    }
    return switch (type.getString()) {
      case "start_run" -> startRun(message, requestId);
      case "cancel_run" -> new CancelRun(requestId, requiredString(message, "run_id", requestId));
      case "ping" -> new Ping(requestId);
      default ->
          throw new ProtocolError(
              "unknown_type",
              requestId,
              "unknown message type '" + abbreviate(type.getString(), 64) + "'");
    };
  }

  /**
   * Where the first string (or field name) without a UTF-8 form sits in the document, such as
   * {@code input} or {@code arguments.x[2]}, or null when there is none. Such a string would be
   * echoed into a reply or an event and stop the container's encoder. The parser bounds the nesting
   * depth, so the recursion is bounded too; the path is built only for the string found.
   */
  private static String firstMalformed(JsonValue value) {
    ArrayDeque<String> path = new ArrayDeque<>();
    if (!findMalformed(value, path)) {
      return null;
    }
    String where = String.join("", path);
    where = where.startsWith(".") ? where.substring(1) : where;
    return where.isEmpty() ? "the message" : abbreviate(where, 80);
  }

  private static boolean findMalformed(JsonValue value, Deque<String> path) {
    if (value instanceof JsonString string) {
      return !Utf8.isWellFormed(string.getString());
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, JsonValue> field : object.entrySet()) {
        if (!Utf8.isWellFormed(field.getKey())) {
          path.addFirst(".<a field name>");
          return true;
        }
        if (findMalformed(field.getValue(), path)) {
          path.addFirst("." + field.getKey());
          return true;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        if (findMalformed(array.get(i), path)) {
          path.addFirst("[" + i + "]");
          return true;
        }
      }
    }
    return false;
  }

  /** At most {@code max} chars, cut between code points, so that a quote stays well-formed. */
  private static String abbreviate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isLowSurrogate(text.charAt(max)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }

  private static StartRun startRun(JsonObject message, String requestId) throws ProtocolError {
    String input = requiredString(message, "input", requestId);
    if (input.getBytes(StandardCharsets.UTF_8).length > MAX_INPUT_BYTES) {
      throw new ProtocolError(
          "invalid_message", requestId, "input is longer than " + MAX_INPUT_BYTES + " bytes");
    }
    return new StartRun(
        requestId,
        input,
        optionalString(message, "thread_id", requestId),
        optionalString(message, "agent", requestId));
  }

  private static String requiredString(JsonObject message, String field, String requestId)
      throws ProtocolError {
    String value = optionalString(message, field, requestId);
    if (value == null) {
      throw new ProtocolError("invalid_message", requestId, field + " is required");
    }
    return value;
  }

  private static String optionalString(JsonObject message, String field, String requestId)
      throws ProtocolError {
    JsonValue value = message.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString string)) {
      throw new ProtocolError("invalid_message", requestId, field + " must be a string");
    }
    return string.getString();
  }
}
