package dev.agentwire.sockets;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket of one user: its outbox and its inbound rate limit. Everything sent to the
 * client goes through {@link #send}, so nothing ever overlaps on the socket.
 */
final class Connection implements Subscriber {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  private final Session session;
  private final String user;
  private final Outbox outbox;
  private final TokenBucket inboundRate;
  private final Executor closer;

  Connection(Session session, String user, SocketSettings settings, Executor closer) {
    this.session = session;
    this.user = user;
    this.closer = closer;
    this.inboundRate =
        new TokenBucket(settings.messagesPerSecond(), settings.burst(), System::nanoTime);
    this.outbox =
        new Outbox(
            this::write, settings.outboxMaxMessages(), settings.outboxMaxBytes(), this::overflowed);
  }

  /** Hands one frame to the container; a socket that is already gone fails the send, not us. */
  private void write(String frame, Consumer<Throwable> done) {
    try {
      session.getAsyncRemote().sendText(frame, result -> done.accept(result.getException()));
    } catch (RuntimeException e) {
      done.accept(e);
    }
  }

  String user() {
    return user;
  }

  String id() {
    return session.getId();
  }

  @Override
  public void begin(List<String> prelude) {
    outbox.begin(prelude);
  }

  /** Queues one serialized message; never blocks. */
  @Override
  public void send(String json) {
    outbox.offer(json);
  }

  boolean admitInbound() {
    return inboundRate.tryAcquire();
  }

  void closed() {
    outbox.close();
  }

  private void overflowed() {
    LOG.info(() -> "closing connection " + id() + " of " + user + ": it stopped reading");
    close(
        new CloseReason(
            CloseReason.CloseCodes.TRY_AGAIN_LATER,
            "outbox full: reconnect with last_event_id to resume"));
  }

  /** Closes on another thread: a close frame to a client that does not read can block. */
  void close(CloseReason reason) {
    closer.execute(
        () -> {
          try {
            session.close(reason);
          } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "closing connection " + id() + " failed", e);
          }
        });
  }
}
