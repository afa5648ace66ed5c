package dev.agentwire.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OpenAI-compatible chat completions server for tests: {@code POST /v1/chat/completions}
 * with {@code "stream": true} answers with server-sent events, one {@code chat.completion.chunk}
 * per {@code data:} line, {@code data: [DONE]} at the end, over HTTP/1.1 chunked encoding, as the
 * OpenAI API documents its streaming. What it streams depends on the last user message:
 *
 * <ul>
 *   <li>{@code stream: TEXT}: TEXT in pieces of three characters, then a usage chunk;
 *   <li>{@code units: HEX HEX …}: the text of these UTF-16 code units, streamed the same way (to
 *       send what a request could not carry, such as a lone surrogate);
 *   <li>{@code think: THOUGHT | TEXT}: THOUGHT as {@code reasoning_content} pieces, then TEXT;
 *   <li>{@code tool: NAME JSON}: a call of tool NAME with arguments JSON, split over several
 *       chunks; once the request carries the tool's result, the answer {@code "The tool said:
 *       RESULT"};
 *   <li>{@code slow: N}: N pieces of text, 100 ms apart (to be cancelled);
 *   <li>{@code fail}: a few pieces, then the connection is reset (a stream that fails midway).
 * </ul>
 *
 * Every request and how its stream ended are recorded for the test to check.
 */
public final class OpenAiStub implements AutoCloseable {

  /** One request: its JSON body, and whether its stream was written to the end. */
  public static final class Exchange {
    private final JsonObject request;
    private volatile String ending = "open";

    Exchange(JsonObject request) {
      this.request = request;
    }

    public JsonObject request() {
      return request;
    }

    /**
     * {@code open}, {@code done} (written to [DONE]), {@code aborted} (the client went away) or
     * {@code reset}.
     */
    public String ending() {
      return ending;
    }

    @Override
    public String toString() {
      return lastUserMessage(request) + " -> " + ending;
    }
  }

  static final int USAGE_PROMPT = 21;
  static final int USAGE_COMPLETION = 34;

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private OpenAiStub(ServerSocket server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1, on a free port. */
  public static OpenAiStub start() {
    try {
      OpenAiStub stub = new OpenAiStub(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      stub.threads.execute(stub::accept);
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the OpenAI stub", e);
    }
  }

  /** The base URL a client is configured with ({@code agentwire.llm.base-url}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** What the stub has seen, for a failure message: connections accepted, every exchange. */
  public String describe() {
    return "OpenAI stub: " + connections.get() + " connections, exchanges " + exchanges;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    threads.shutdownNow();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) { // keep-alive: one request after another
        String head = readHead(in);
        if (head == null) {
          return;
        }
        int length = contentLength(head);
        byte[] body = in.readNBytes(length);
        if (!head.startsWith("POST /v1/chat/completions ")) {
          respond(out, 404, "{\"error\":{\"message\":\"not found\"}}");
          continue;
        }
        JsonObject request;
        try (JsonReader reader =
            Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
          request = reader.readObject();
        }
        Exchange exchange = new Exchange(request);
        exchanges.add(exchange);
        if (!stream(exchange, socket, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away; recorded on the exchange where it matters
    }
  }

  /** Streams the answer; false when the connection cannot be used any more. */
  private boolean stream(Exchange exchange, Socket socket, OutputStream out) throws IOException {
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    String prompt = lastUserMessage(exchange.request());
    try {
      if (prompt.startsWith("stream: ")) {
        text(out, prompt.substring("stream: ".length()), 0);
      } else if (prompt.startsWith("units: ")) {
        text(out, units(prompt.substring("units: ".length())), 0);
      } else if (prompt.startsWith("think: ")) {
        String[] parts = prompt.substring("think: ".length()).split(" \\| ", 2);
        for (String piece : pieces(parts[0])) {
          chunk(out, delta().add("reasoning_content", piece), null);
        }
        text(out, parts[1], 0);
      } else if (prompt.startsWith("tool: ")) {
        JsonObject toolResult = lastToolMessage(exchange.request());
        if (toolResult == null) {
          String[] call = prompt.substring("tool: ".length()).split(" ", 2);
          toolCall(out, call[0], call[1]);
        } else {
          text(out, "The tool said: " + toolResult.getString("content"), 0);
        }
      } else if (prompt.startsWith("slow: ")) {
        int count = Integer.parseInt(prompt.substring("slow: ".length()).trim());
        for (int i = 0; i < count; i++) {
          chunk(out, delta().add("content", "tick " + i + ". "), null);
          sleep(100);
        }
        finish(out, "stop");
      } else if (prompt.equals("fail")) {
        for (String piece : pieces("This answer will not")) {
          chunk(out, delta().add("content", piece), null);
        }
        exchange.ending = "reset";
        socket.setSoLinger(true, 0); // an RST, not a clean end: the stream breaks off
        return false;
      } else {
        text(out, "I am a stub; say 'stream: …', 'tool: …', 'slow: N' or 'fail'.", 0);
      }
      exchange.ending = "done";
      return true;
    } catch (IOException e) {
      exchange.ending = "aborted";
      return false;
    }
  }

  private void text(OutputStream out, String text, long pauseMs) throws IOException {
    boolean first = true;
    for (String piece : pieces(text)) {
      JsonObjectBuilder delta = delta().add("content", piece);
      if (first) {
        delta.add("role", "assistant");
        first = false;
      }
      chunk(out, delta, null);
      sleep(pauseMs);
    }
    finish(out, "stop");
  }

  /** A tool call as OpenAI streams it: id and name first, then the arguments in fragments. */
  private void toolCall(OutputStream out, String name, String arguments) throws IOException {
    chunk(
        out,
        delta()
            .add("role", "assistant")
            .add(
                "tool_calls",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("index", 0)
                            .add("id", "call_stub_1")
                            .add("type", "function")
                            .add(
                                "function",
                                Json.createObjectBuilder()
                                    .add("name", name)
                                    .add("arguments", "")))),
        null);
    for (String piece : pieces(arguments)) {
      chunk(
          out,
          delta()
              .add(
                  "tool_calls",
                  Json.createArrayBuilder()
                      .add(
                          Json.createObjectBuilder()
                              .add("index", 0)
                              .add(
                                  "function", Json.createObjectBuilder().add("arguments", piece)))),
          null);
    }
    finish(out, "tool_calls");
  }

  private void finish(OutputStream out, String reason) throws IOException {
    chunk(out, delta(), reason);
    JsonObject usage =
        Json.createObjectBuilder()
            .add("prompt_tokens", USAGE_PROMPT)
            .add("completion_tokens", USAGE_COMPLETION)
            .add("total_tokens", USAGE_PROMPT + USAGE_COMPLETION)
            .build();
    event(out, envelope().add("choices", JsonValue.EMPTY_JSON_ARRAY).add("usage", usage).build());
    send(out, "data: [DONE]\n\n");
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private void chunk(OutputStream out, JsonObjectBuilder delta, String finishReason)
      throws IOException {
    JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
    if (finishReason == null) {
      choice.addNull("finish_reason");
    } else {
      choice.add("finish_reason", finishReason);
    }
    event(out, envelope().add("choices", Json.createArrayBuilder().add(choice)).build());
  }

  private static JsonObjectBuilder envelope() {
    return Json.createObjectBuilder()
        .add("id", "chatcmpl-stub")
        .add("object", "chat.completion.chunk")
        .add("created", 1_780_000_000)
        .add("model", "stub-model");
  }

  private static JsonObjectBuilder delta() {
    return Json.createObjectBuilder();
  }

  /**
   * One {@code data:} line. Everything beyond ASCII is written as a JSON escape, as OpenAI's
   * servers do: a piece that ends inside a surrogate pair arrives as a lone {@code \\uD83D}.
   */
  private static void event(OutputStream out, JsonObject data) throws IOException {
    String json = data.toString();
    StringBuilder ascii = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x80) {
        ascii.append(c);
      } else {
        ascii.append(String.format("\\u%04x", (int) c));
      }
    }
    send(out, "data: " + ascii + "\n\n");
  }

  /** One HTTP chunk. */
  private static void send(OutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The text of space-separated hexadecimal UTF-16 code units. */
  public static String units(String hex) {
    StringBuilder text = new StringBuilder();
    for (String unit : hex.trim().split(" +")) {
      text.append((char) Integer.parseInt(unit, 16));
    }
    return text.toString();
  }

  /** The inverse of {@link #units}: a prompt that streams exactly {@code text} back. */
  public static String unitsPrompt(String text) {
    StringBuilder hex = new StringBuilder("units:");
    text.chars().forEach(c -> hex.append(' ').append(Integer.toHexString(c)));
    return hex.toString();
  }

  private static List<String> pieces(String text) {
    List<String> pieces = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i += 3) {
      pieces.add(text.substring(i, Math.min(text.length(), i + 3)));
    }
    return pieces;
  }

  private static String lastUserMessage(JsonObject request) {
    String last = "";
    for (JsonValue message : request.getJsonArray("messages")) {
      JsonObject m = message.asJsonObject();
      if ("user".equals(m.getString("role", ""))
          && m.get("content") instanceof jakarta.json.JsonString s) {
        last = s.getString();
      }
    }
    return last;
  }

  private static JsonObject lastToolMessage(JsonObject request) {
    JsonObject last = null;
    JsonArray messages = request.getJsonArray("messages");
    for (JsonValue message : messages) {
      if ("tool".equals(message.asJsonObject().getString("role", ""))) {
        last = message.asJsonObject();
      }
    }
    return last;
  }

  private static void respond(OutputStream out, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** The request line and headers, or null at the end of the connection. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
