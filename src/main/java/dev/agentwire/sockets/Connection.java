package dev.agentwire.sockets;

import jakarta.websocket.CloseReason;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket of one user: its outbox and its inbound rate limit. Everything sent to the
 * client goes through {@link #send}, so nothing ever overlaps on the socket.
 *
 * <p>A connection whose outbox overflows is closed with 1013, so that its user reconnects and
 * resumes. The close frame must reach a client that starts reading again, but the container drops
 * whatever it still buffers when the connection closes; so the connection first sends a ping, which
 * a client answers only after reading everything before it, and closes on the pong (or after a
 * grace period, for a client that never reads again).
 */
final class Connection implements Subscriber {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  private static final ClassLoader SEND_CONTEXT = ClassLoader.getPlatformClassLoader();
  private static final byte[] DRAINED = "agentwire-drained".getBytes(StandardCharsets.US_ASCII);
  private static final CloseReason OVERFLOWED =
      new CloseReason(
          CloseReason.CloseCodes.TRY_AGAIN_LATER,
          "outbox full: reconnect with last_event_id to resume");

  private final Session session;
  private final String user;
  private final Outbox outbox;
  private final TokenBucket inboundRate;
  private final ScheduledExecutorService scheduler;
  private final long closeGraceMs;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final Consumer<Subscriber> writeSoon;

  /**
   * @param writeSoon has the connection's queue written soon, off the calling thread (the flusher)
   */
  Connection(
      Session session,
      String user,
      SocketSettings settings,
      ScheduledExecutorService scheduler,
      Consumer<Subscriber> writeSoon) {
    this.session = session;
    this.user = user;
    this.scheduler = scheduler;
    this.writeSoon = writeSoon;
    this.closeGraceMs = settings.closeGraceMs();
    this.inboundRate =
        new TokenBucket(settings.messagesPerSecond(), settings.burst(), System::nanoTime);
    this.outbox =
        new Outbox(
            this::write,
            settings.outboxMaxMessages(),
            settings.outboxMaxBytes(),
            this::overflowed,
            this::writeFailed);
  }

  /**
   * Hands one frame to the container; a socket that is already gone fails the send, not us.
   *
   * <p>The send runs with the platform class loader as the thread's context class loader. Tyrus
   * reschedules the session's idle-timeout task on every send, on the container's managed scheduled
   * executor, and Payara's context capture for that task looks up {@code ThreadContextProvider}
   * services through the context class loader; through the web application's class loader that
   * lookup searches every jar of the server, which cost a third of the server's CPU per event
   * (docs/performance.md). The platform class loader answers it at once, and nothing the send does
   * needs the application's classes by name.
   */
  private void write(String frame, Consumer<Throwable> done) {
    Thread thread = Thread.currentThread();
    ClassLoader application = thread.getContextClassLoader();
    thread.setContextClassLoader(SEND_CONTEXT);
    try {
      session.getAsyncRemote().sendText(frame, result -> done.accept(result.getException()));
    } catch (RuntimeException e) {
      done.accept(e);
    } finally {
      thread.setContextClassLoader(application);
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

  /**
   * Queues one serialized message (a reply) and has it written soon, with whatever else is queued
   * by then: a run's {@code run_accepted} usually leaves in one frame with its first events. Never
   * blocks.
   */
  void send(String json) {
    if (outbox.enqueue(json)) {
      writeSoon.accept(this);
    }
  }

  @Override
  public void enqueue(String json) {
    outbox.enqueue(json);
  }

  @Override
  public void flush() {
    outbox.flush();
  }

  @Override
  public boolean markDirty() {
    return dirty.compareAndSet(false, true);
  }

  @Override
  public void clearDirty() {
    dirty.set(false);
  }

  @Override
  public long backlog() {
    return outbox.queuedChars();
  }

  boolean admitInbound() {
    return inboundRate.tryAcquire();
  }

  /** Whether the connection is on its way out: what its client sends now is not acted on. */
  boolean closing() {
    return outbox.isClosed();
  }

  void closed() {
    outbox.close();
  }

  /** Runs once the last frame was handed over: the ping goes out after everything sent before. */
  private void overflowed() {
    LOG.info(() -> "closing connection " + id() + " of " + user + ": it stopped reading");
    scheduler.execute(
        () -> {
          try {
            session.getAsyncRemote().sendPing(ByteBuffer.wrap(DRAINED));
          } catch (IOException | RuntimeException e) {
            close(OVERFLOWED);
            return;
          }
          scheduler.schedule(() -> close(OVERFLOWED), closeGraceMs, TimeUnit.MILLISECONDS);
        });
  }

  /** A socket that cannot be written is closed, so that its client reconnects and resumes. */
  private void writeFailed() {
    scheduler.execute(
        () ->
            close(
                new CloseReason(
                    CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                    "write failed: reconnect with last_event_id to resume")));
  }

  /** The client has read everything up to the drain ping: the close frame now goes out whole. */
  void pong(PongMessage pong) {
    if (closing() && pong.getApplicationData().equals(ByteBuffer.wrap(DRAINED))) {
      scheduler.execute(() -> close(OVERFLOWED));
    }
  }

  /** Closes on another thread: a close frame to a client that does not read can block. */
  void close(CloseReason reason) {
    if (!session.isOpen()) {
      return;
    }
    try {
      session.close(reason);
    } catch (IOException | IllegalStateException e) {
      LOG.log(Level.FINE, "closing connection " + id() + " failed", e);
    }
  }
}
