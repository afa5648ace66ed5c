package dev.agentwire.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates what a hostile or careless client sends, from a seed, so that every failure can be
 * replayed: text from all of Unicode (lone surrogates, as raw units and as JSON escapes, pairs,
 * controls, noncharacters), JSON of every shape (deep, wide, duplicate keys, numbers past every
 * range), protocol messages with such values in each field, scripts for the scripted agent and
 * arithmetic for the default one, and plain garbage. Used by the unit tests of the wire format and
 * by the fuzz test that sends these frames through a real socket.
 */
public final class HostileFrames {

  /** Frames stay under the 64 KiB limit (a larger one closes with 1009, tested on its own). */
  public static final int MAX_FRAME_BYTES = 60_000;

  private static final String[] NUMBERS = {
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1e999999999",
    "-1E-999999999",
    "1e-400",
    "9".repeat(400),
    "123456789012345678901234567890.123456789",
    "2147483648",
    "-9223372036854775809",
    "1E+2",
    "0.0000000000000000000001",
    "4.9e-324",
    "1.7976931348623157e309"
  };
  private static final String[] ESCAPES = {
    "\\ud800",
    "\\udbff",
    "\\udc00",
    "\\udfff",
    "\\ud83d\\ude00",
    "\\ude00\\ud83d",
    "\\u0000",
    "\\u001f",
    "\\n",
    "\\r",
    "\\t",
    "\\b",
    "\\f",
    "\\/",
    "\\\"",
    "\\\\",
    "\\uffff",
    "\\ufeff",
    "\\u2028",
    "\\u0085"
  };
  private static final String[] BAD_ESCAPES = {"\\x", "\\u12", "\\u", "\\", "\\ug000", "\\U0041"};
  private static final String[] FIELDS = {
    "type", "request_id", "input", "run_id", "thread_id", "agent", "last_event_id", "data"
  };
  private static final String[] TYPES = {
    "start_run", "cancel_run", "ping", "pong", "resume", "", "START_RUN", "ping ", "\\ud800"
  };
  private static final String[] EXPRESSIONS = {
    "((10^1000)^1000)^700",
    "10^1000*10^1000",
    "9^999^999",
    "1/3^1000",
    "(2^1000)%7",
    "0^-1",
    "1/0",
    "-(-(-(-1)))",
    "2^-1000"
  };

  private final Random random;

  public HostileFrames(long seed) {
    this.random = new Random(seed);
  }

  /** Any UTF-16 units: lone surrogates, pairs, controls, anything, in any order. */
  public String text(int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      switch (random.nextInt(8)) {
        case 0 -> text.append((char) (0xD800 + random.nextInt(0x800))); // a lone half
        case 1 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a pair
        case 2 -> text.append((char) random.nextInt(0x20)); // a control
        case 3 -> text.append((char) random.nextInt(0x10000)); // any unit
        case 4 -> text.append("\uFFFE\uFFFF\uFEFF\u2028\u0085".charAt(random.nextInt(5)));
        default -> text.append((char) (' ' + random.nextInt(95)));
      }
    }
    return text.toString();
  }

  /**
   * A JSON string literal whose content is hostile: raw units escaped as JSON needs, or escapes.
   */
  public String jsonString(int maxLength) {
    StringBuilder literal = new StringBuilder("\"");
    int parts = random.nextInt(6);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(5)) {
        case 0 -> literal.append(ESCAPES[random.nextInt(ESCAPES.length)]);
        case 1 -> literal.append(String.format("\\u%04x", random.nextInt(0x10000)));
        default -> literal.append(escape(text(Math.max(1, maxLength / Math.max(1, parts)))));
      }
    }
    if (random.nextInt(40) == 0) {
      literal.append(BAD_ESCAPES[random.nextInt(BAD_ESCAPES.length)]);
    }
    return literal.append('"').toString();
  }

  /**
   * {@code text} as JSON string content: quotes, backslashes and controls escaped, the rest raw.
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Any JSON value, nested at most {@code depth} deep (and sometimes far deeper, on purpose). */
  public String value(int depth) {
    int kind = random.nextInt(depth <= 0 ? 4 : 7);
    return switch (kind) {
      case 0 -> jsonString(24);
      case 1 -> NUMBERS[random.nextInt(NUMBERS.length)];
      case 2 -> List.of("true", "false", "null").get(random.nextInt(3));
      case 3 -> random.nextInt(30) == 0 ? deep() : Integer.toString(random.nextInt());
      case 4, 5 -> object(depth - 1);
      default -> array(depth - 1);
    };
  }

  private String deep() {
    int n = 1 + random.nextInt(20_000);
    return random.nextBoolean()
        ? "[".repeat(n) + "]".repeat(n)
        : "{\"a\":".repeat(n) + "1" + "}".repeat(n);
  }

  private String array(int depth) {
    List<String> items = new ArrayList<>();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      items.add(value(depth));
    }
    return "[" + String.join(",", items) + "]";
  }

  private String object(int depth) {
    List<String> fields = new ArrayList<>();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      String key =
          random.nextInt(3) == 0
              ? jsonString(8)
              : "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\"";
      fields.add(key + ":" + value(depth));
      if (random.nextInt(8) == 0) {
        fields.add(key + ":" + value(depth)); // a duplicate key
      }
    }
    return "{" + String.join(",", fields) + "}";
  }

  /** One frame's text: mostly protocol messages with hostile values, some of it plain garbage. */
  public String frame() {
    String frame =
        switch (random.nextInt(12)) {
          case 0, 1 -> startRun(script());
          case 2 -> startRun(jsonString(40).replace("\\u0000", ""));
          case 3 -> startRunQuoted(EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
          case 4 -> message("ping");
          case 5 -> message("cancel_run");
          case 6 -> message(TYPES[random.nextInt(TYPES.length)]);
          case 7 -> object(3);
          case 8 -> value(3);
          case 9 -> truncate(object(3));
          case 10 -> escape(text(200));
          default -> startRunQuoted("1 ".repeat(random.nextInt(16_000)));
        };
    return fits(frame) ? frame : "{\"type\":\"ping\",\"request_id\":\"too-big-to-send\"}";
  }

  private static boolean fits(String frame) {
    return frame.length() * 3L <= MAX_FRAME_BYTES;
  }

  private String message(String type) {
    StringBuilder message = new StringBuilder("{\"type\":\"" + type + "\"");
    if (random.nextBoolean()) {
      message.append(",\"request_id\":").append(random.nextBoolean() ? jsonString(12) : value(1));
    }
    if (random.nextBoolean()) {
      message.append(",\"run_id\":").append(random.nextBoolean() ? jsonString(12) : value(1));
    }
    if (random.nextInt(3) == 0) {
      message.append(",\"input\":").append(value(2));
    }
    if (random.nextInt(3) == 0) {
      message.append(",").append(jsonString(6)).append(":").append(value(2));
    }
    return message.append('}').toString();
  }

  private String startRun(String inputLiteral) {
    return "{\"type\":\"start_run\",\"request_id\":"
        + jsonString(8)
        + ",\"agent\":\""
        + (random.nextBoolean() ? "scripted" : "assistant")
        + "\",\"input\":"
        + inputLiteral
        + "}";
  }

  private String startRunQuoted(String input) {
    return "{\"type\":\"start_run\",\"request_id\":\"calc\",\"input\":\"" + escape(input) + "\"}";
  }

  /** A script for the scripted agent, as a JSON string literal, with hostile text in every step. */
  private String script() {
    List<String> steps = new ArrayList<>();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      steps.add(
          switch (random.nextInt(6)) {
            case 0 -> "{\"think\":" + jsonString(30) + "}";
            case 1 -> "{\"tool\":\"echo\",\"arguments\":" + object(2) + "}";
            case 2 -> "{\"tool\":" + jsonString(6) + ",\"arguments\":{}}";
            case 3 -> "{\"tool\":\"sleep\",\"arguments\":{\"ms\":" + random.nextInt(30) + "}}";
            case 4 ->
                "{\"tool\":\"calculator\",\"arguments\":{\"expression\":"
                    + (random.nextBoolean()
                        ? "\"" + EXPRESSIONS[random.nextInt(EXPRESSIONS.length)] + "\""
                        : jsonString(20))
                    + "}}";
            default -> random.nextInt(4) == 0 ? "{\"fail\":" + jsonString(20) + "}" : value(2);
          });
    }
    String script =
        "{\"steps\":[" + String.join(",", steps) + "],\"output\":" + jsonString(20) + "}";
    return "\"" + escape(script) + "\"";
  }

  private String truncate(String json) {
    return json.isEmpty() ? json : json.substring(0, random.nextInt(json.length()));
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public byte[] bytes(int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }
}
