package dev.agentwire.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A protocol v1 client as a user's program would be one: the JDK's WebSocket, a token, and
 * everything received kept in order (batched frames split on newlines) for assertions. Every wait
 * is bounded and fails the test when its time runs out.
 */
public final class WireClient implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final WebSocket socket;
  private final Listener listener;

  private WireClient(WebSocket socket, Listener listener) {
    this.socket = socket;
    this.listener = listener;
  }

  /** The WebSocket URL of the deployment whose base URL Arquillian injected. */
  public static URI endpoint(URL base) {
    return URI.create(base.toString().replaceFirst("^http", "ws") + "ws");
  }

  public static WireClient connect(URL base, String user) {
    return open(
        HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + Tokens.valid(user)),
        endpoint(base));
  }

  /** Opens with whatever the builder says; fails the test if the handshake fails. */
  public static WireClient open(WebSocket.Builder builder, URI uri) {
    return join(handshake(builder, uri));
  }

  /** The handshake itself, for tests that expect it to fail. */
  public static CompletableFuture<WireClient> handshake(WebSocket.Builder builder, URI uri) {
    Listener listener = new Listener();
    return builder
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, listener)
        .thenApply(socket -> new WireClient(socket, listener));
  }

  public static WebSocket.Builder builder() {
    return HTTP.newWebSocketBuilder();
  }

  private static WireClient join(CompletableFuture<WireClient> handshake) {
    try {
      return handshake.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("handshake failed", e);
    }
  }

  public String subprotocol() {
    return socket.getSubprotocol();
  }

  public void send(String text) {
    try {
      socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not send", e);
    }
  }

  public void send(JsonObject message) {
    send(message.toString());
  }

  public void sendBinary(byte[] data) {
    try {
      socket.sendBinary(ByteBuffer.wrap(data), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not send", e);
    }
  }

  /** Sends {@code start_run} and returns the {@code run_accepted} reply. */
  public JsonObject startRun(String requestId, String agent, String input) {
    var message = Json.createObjectBuilder().add("type", "start_run").add("request_id", requestId);
    if (agent != null) {
      message.add("agent", agent);
    }
    send(message.add("input", input).build());
    return reply(requestId);
  }

  /** Starts a scripted run and returns its run id. */
  public String startScript(String requestId, String script) {
    JsonObject reply = startRun(requestId, "scripted", script);
    if (!"run_accepted".equals(reply.getString("type"))) {
      fail("run not accepted: " + reply);
    }
    return reply.getString("run_id");
  }

  /** The first reply (a message that is not an agent event) carrying this request id. */
  public JsonObject reply(String requestId) {
    return await(m -> requestId.equals(m.getString("request_id", null)), "a reply to " + requestId);
  }

  /** Waits for the run's {@code agent_completed}; returns all its events in arrival order. */
  public List<JsonObject> runEvents(String runId) {
    await(
        m ->
            runId.equals(m.getString("run_id", null))
                && "agent_completed".equals(m.getString("type")),
        "agent_completed of " + runId);
    return received(m -> runId.equals(m.getString("run_id", null)) && m.containsKey("seq"));
  }

  /** The first received message matching, waiting up to {@link #WAIT}. */
  public JsonObject await(Predicate<JsonObject> match, String what) {
    return listener.await(match, what, WAIT);
  }

  /** Waits until at least {@code count} received messages match; returns all that match. */
  public List<JsonObject> awaitCount(Predicate<JsonObject> match, int count, String what) {
    return listener.awaitCount(match, count, what, WAIT);
  }

  public List<JsonObject> received(Predicate<JsonObject> match) {
    return listener.matching(match);
  }

  public List<JsonObject> received() {
    return listener.matching(m -> true);
  }

  /** Waits for the server to close; returns the close code. */
  public int awaitClose() {
    return listener.awaitClose(WAIT);
  }

  public boolean isOpen() {
    return !socket.isInputClosed();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  /** Abruptly drops the connection, as a network failure would. */
  public void drop() {
    socket.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    private final List<JsonObject> messages = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private Integer closeCode;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        List<JsonObject> parsed = new ArrayList<>();
        for (String line : frame.split("\n")) {
          try (JsonReader reader = Json.createReader(new StringReader(line))) {
            parsed.add(reader.readObject());
          }
        }
        synchronized (this) {
          messages.addAll(parsed);
          notifyAll();
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      synchronized (this) {
        closeCode = statusCode;
        notifyAll();
      }
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      synchronized (this) {
        if (closeCode == null) {
          closeCode = -1;
        }
        notifyAll();
      }
    }

    synchronized JsonObject await(Predicate<JsonObject> match, String what, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        for (JsonObject message : messages) {
          if (match.test(message)) {
            return message;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no " + what + " within " + wait.toSeconds() + " s; received: " + messages);
        }
        waitNanos(left);
      }
    }

    synchronized List<JsonObject> awaitCount(
        Predicate<JsonObject> match, int count, String what, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        List<JsonObject> matching = matching(match);
        if (matching.size() >= count) {
          return matching;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              count
                  + " x "
                  + what
                  + " not received within "
                  + wait.toSeconds()
                  + " s; received: "
                  + messages);
        }
        waitNanos(left);
      }
    }

    synchronized List<JsonObject> matching(Predicate<JsonObject> match) {
      return messages.stream().filter(match).toList();
    }

    synchronized int awaitClose(Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (closeCode == null) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "the server did not close within " + wait.toSeconds() + " s");
        waitNanos(left);
      }
      return closeCode;
    }

    private void waitNanos(long nanos) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
    }
  }
}
