package dev.agentwire.sockets;

import dev.agentwire.events.UserHash;
import dev.agentwire.events.Utf8;
import dev.agentwire.security.Authenticator;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The protocol v1 endpoint, one instance per connection. The handshake was already authenticated
 * (see {@code security.HandshakeFilter}); the user is the session's principal for its whole life.
 *
 * <p>{@code @Dependent} makes the endpoint a CDI bean on every server: the WAR has no {@code
 * beans.xml}, so without a bean-defining annotation a server may create the endpoint without
 * injection (Open Liberty does). Should a connection still be opened without its collaborators, or
 * fail while being set up, it is closed at once with 1011 and logged at SEVERE, never left open
 * answering nothing.
 */
@Dependent
@ServerEndpoint(value = "/ws", subprotocols = "agentwire.v1")
public class AgentSocket {

  static final int MAX_FRAME_BYTES = 64 * 1024;
  private static final Logger LOG = Logger.getLogger(AgentSocket.class.getName());

  @Inject UserSessions sessions;
  @Inject ClientRequests requests;

  private Connection connection;

  @OnOpen
  public void open(Session session) throws IOException {
    if (sessions == null || requests == null) {
      LOG.severe(
          "the WebSocket endpoint "
              + AgentSocket.class.getName()
              + " was created without CDI injection, so it cannot serve the connection; closing"
              + " it with 1011. The server must create endpoints as CDI beans (CDI 4 with"
              + " bean-defining annotations).");
      session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "server error"));
      return;
    }
    try {
      attach(session);
    } catch (RuntimeException e) {
      String who =
          session.getUserPrincipal() == null
              ? "an unauthenticated connection"
              : "a connection of user " + UserHash.of(session.getUserPrincipal().getName());
      LOG.log(Level.SEVERE, "could not set up " + who + "; closing it with 1011", e);
      session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "server error"));
    }
  }

  private void attach(Session session) throws IOException {
    // The 64 KiB limit, in the standard API as well as in @OnMessage: not every server applies
    // maxMessageSize (WildFly's Undertow delivers larger messages), while every one applies the
    // session's buffer sizes, closing with 1009 before the message is buffered whole.
    session.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
    session.setMaxBinaryMessageBufferSize(MAX_FRAME_BYTES);
    Principal user = session.getUserPrincipal();
    if (user == null) {
      session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
      return;
    }
    List<String> resumeFrom = session.getRequestParameterMap().get("last_event_id");
    String lastEventId =
        resumeFrom == null || resumeFrom.isEmpty() || resumeFrom.get(0).isEmpty()
            ? null
            : resumeFrom.get(0);
    Instant expiresAt = null;
    if (user instanceof Authenticator.UserPrincipal token) {
      expiresAt = token.expiresAt();
    }
    connection = sessions.open(session, user.getName(), lastEventId, expiresAt);
    if (user instanceof Authenticator.UserPrincipal token) {
      connection.identify(token.roles(), token.claims());
    }
  }

  @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
  public void text(String frame, Session session) throws IOException {
    if (connection == null || connection.closing()) {
      return;
    }
    // Every char is at least one byte and at most three: the exact count only near the limit.
    if (frame.length() > MAX_FRAME_BYTES
        || (frame.length() * 3L > MAX_FRAME_BYTES && Utf8.length(frame) > MAX_FRAME_BYTES)) {
      tooBig(session);
      return;
    }
    requests.handle(connection, frame);
  }

  @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
  public void binary(ByteBuffer frame, Session session) throws IOException {
    if (connection == null || connection.closing()) {
      return;
    }
    if (frame.remaining() > MAX_FRAME_BYTES) {
      tooBig(session);
      return;
    }
    requests.unsupportedFrame(connection);
  }

  /**
   * The WAR's own check of the frame limit, for a server that delivered a larger message anyway:
   * the same close as the container's.
   */
  private static void tooBig(Session session) throws IOException {
    session.close(
        new CloseReason(
            CloseReason.CloseCodes.TOO_BIG, "message larger than " + MAX_FRAME_BYTES + " bytes"));
  }

  @OnMessage
  public void pong(PongMessage pong) {
    if (connection != null) {
      connection.pong(pong);
    }
  }

  @OnClose
  public void close() {
    if (connection != null) {
      sessions.close(connection);
    }
  }

  /**
   * A client that went away is ordinary; anything else (a frame the container could not decode, a
   * failure in this endpoint) is worth an operator's look.
   */
  @OnError
  public void error(Throwable failure) {
    String where =
        connection == null
            ? "an unopened connection"
            : "a connection of user " + UserHash.of(connection.user());
    if (failure instanceof IOException) {
      LOG.log(Level.FINE, "WebSocket error on " + where, failure);
    } else {
      LOG.log(Level.WARNING, "WebSocket error on " + where, failure);
    }
  }
}
