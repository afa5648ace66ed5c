package dev.agentwire.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A protocol v1 client as a user's program would be one, with everything received kept in order
 * (batched frames split on newlines) for assertions. Every wait is bounded and fails the test when
 * its time runs out.
 *
 * <p>Two transports: the Jakarta WebSocket client (Tyrus) by default, and the JDK's {@code
 * java.net.http.WebSocket} where a test needs what only it offers (the HTTP status of a refused
 * handshake). The JDK client is not used for resumes: it can corrupt a large burst that arrives
 * right after the handshake.
 */
public final class WireClient implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The operations the two transports share. */
  private interface Transport {
    void sendText(String text) throws Exception;

    void sendBinary(byte[] data) throws Exception;

    String subprotocol();

    void close();
  }

  private final Transport transport;
  private final Inbox inbox;

  private WireClient(Transport transport, Inbox inbox) {
    this.transport = transport;
    this.inbox = inbox;
  }

  /** The WebSocket URL of the deployment whose base URL Arquillian injected. */
  public static URI endpoint(URL base) {
    String url = base.toString().replaceFirst("^http", "ws");
    return URI.create(url + (url.endsWith("/") ? "" : "/") + "ws");
  }

  /** Connects as {@code user} with a bearer token header, over the Jakarta client. */
  public static WireClient connect(URL base, String user) {
    return jakarta(endpoint(base), Tokens.valid(user));
  }

  /** Reconnects as {@code user}, resuming after {@code lastEventId}. */
  public static WireClient resume(URL base, String user, String lastEventId) {
    return jakarta(
        URI.create(
            endpoint(base)
                + "?last_event_id="
                + URLEncoder.encode(lastEventId, StandardCharsets.UTF_8)),
        Tokens.valid(user));
  }

  private static WireClient jakarta(URI uri, String token) {
    Inbox inbox = new Inbox();
    ClientEndpointConfig config =
        ClientEndpointConfig.Builder.create()
            .configurator(
                new ClientEndpointConfig.Configurator() {
                  @Override
                  public void beforeRequest(Map<String, List<String>> headers) {
                    headers.put("Authorization", List.of("Bearer " + token));
                  }
                })
            .build();
    Endpoint endpoint =
        new Endpoint() {
          @Override
          public void onOpen(Session session, EndpointConfig endpointConfig) {
            session.addMessageHandler(String.class, inbox::frame);
          }

          @Override
          public void onClose(Session session, CloseReason reason) {
            inbox.closed(reason.getCloseCode().getCode());
          }

          @Override
          public void onError(Session session, Throwable failure) {
            inbox.failed(failure);
          }
        };
    try {
      Session session = JakartaClient.CONTAINER.connectToServer(endpoint, config, uri);
      return new WireClient(new JakartaTransport(session), inbox);
    } catch (Exception e) {
      throw new AssertionError("handshake with " + uri + " failed", e);
    }
  }

  /** Opens over the JDK client with whatever the builder says; fails the test if it fails. */
  public static WireClient open(WebSocket.Builder builder, URI uri) {
    try {
      return handshake(builder, uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("handshake failed", e);
    }
  }

  /** The JDK client's handshake itself, for tests that expect it to fail. */
  public static CompletableFuture<WireClient> handshake(WebSocket.Builder builder, URI uri) {
    Inbox inbox = new Inbox();
    return builder
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, new JdkListener(inbox))
        .thenApply(socket -> new WireClient(new JdkTransport(socket), inbox));
  }

  public static WebSocket.Builder builder() {
    return HTTP.newWebSocketBuilder();
  }

  public String subprotocol() {
    return transport.subprotocol();
  }

  public void send(String text) {
    try {
      transport.sendText(text);
    } catch (Exception e) {
      throw new AssertionError("could not send", e);
    }
  }

  public void send(JsonObject message) {
    send(message.toString());
  }

  public void sendBinary(byte[] data) {
    try {
      transport.sendBinary(data);
    } catch (Exception e) {
      throw new AssertionError("could not send", e);
    }
  }

  /** Sends {@code start_run} and returns the reply to it. */
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

  /** The first reply carrying this request id. */
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
    return inbox.await(match, what, WAIT);
  }

  /** Waits until at least {@code count} received messages match; returns all that match. */
  public List<JsonObject> awaitCount(Predicate<JsonObject> match, int count, String what) {
    return inbox.awaitCount(match, count, what, WAIT);
  }

  public List<JsonObject> received(Predicate<JsonObject> match) {
    return inbox.matching(match);
  }

  public List<JsonObject> received() {
    return inbox.matching(m -> true);
  }

  /** The agent events received, in order. */
  public List<JsonObject> events() {
    return inbox.matching(m -> m.containsKey("seq"));
  }

  /** The id of the last agent event received, or null. */
  public String lastEventId() {
    List<JsonObject> events = events();
    return events.isEmpty() ? null : events.get(events.size() - 1).getString("id");
  }

  /** Waits for the server to close; returns the close code. */
  public int awaitClose() {
    return inbox.awaitClose(WAIT);
  }

  @Override
  public void close() {
    transport.close();
  }

  /** The messages of one connection, and its end. */
  private static final class Inbox {
    private final List<JsonObject> messages = new ArrayList<>();
    private Integer closeCode;

    void frame(String frame) {
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

    synchronized void closed(int code) {
      if (closeCode == null) {
        closeCode = code;
      }
      notifyAll();
    }

    synchronized void failed(Throwable failure) {
      if (closeCode == null) {
        closeCode = -1;
      }
      notifyAll();
    }

    synchronized JsonObject await(Predicate<JsonObject> match, String what, Duration wait) {
      return awaitCount(match, 1, what, wait).get(0);
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
        assertTrue(left > 0, "the connection did not close within " + wait.toSeconds() + " s");
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

  /** One client container for all tests: creating one per connection is expensive. */
  private static final class JakartaClient {
    static final WebSocketContainer CONTAINER = ContainerProvider.getWebSocketContainer();
  }

  private record JakartaTransport(Session session) implements Transport {
    @Override
    public void sendText(String text) throws IOException {
      session.getBasicRemote().sendText(text);
    }

    @Override
    public void sendBinary(byte[] data) throws IOException {
      session.getBasicRemote().sendBinary(ByteBuffer.wrap(data));
    }

    @Override
    public String subprotocol() {
      return session.getNegotiatedSubprotocol();
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (IOException | IllegalStateException e) {
        // Already closed by the server: nothing left to release.
        assertTrue(!session.isOpen(), "could not close an open session: " + e);
      }
    }
  }

  private static final class JdkListener implements WebSocket.Listener {
    private final Inbox inbox;
    private final StringBuilder partial = new StringBuilder();

    JdkListener(Inbox inbox) {
      this.inbox = inbox;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        inbox.frame(frame);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      inbox.closed(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      inbox.failed(error);
    }
  }

  private record JdkTransport(WebSocket socket) implements Transport {
    @Override
    public void sendText(String text) throws Exception {
      socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void sendBinary(byte[] data) throws Exception {
      socket.sendBinary(ByteBuffer.wrap(data), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public String subprotocol() {
      return socket.getSubprotocol();
    }

    @Override
    public void close() {
      if (!socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      }
      socket.abort();
    }
  }
}
