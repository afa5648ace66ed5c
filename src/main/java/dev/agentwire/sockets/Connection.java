package dev.agentwire.sockets;

import dev.agentwire.events.Cursor;
import dev.agentwire.events.UserHash;
import dev.agentwire.security.TokenBucket;
import dev.agentwire.sockets.ServerMessages.ResumeFailed;
import dev.agentwire.sockets.ServerMessages.Resumed;
import jakarta.websocket.CloseReason;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket of one user: its outbox (its cursor into the user's events and its replies),
 * its inbound rate limit and its liveness. Everything sent to the client goes through the outbox,
 * so nothing ever overlaps on the socket.
 *
 * <p>A connection is closed with 1013 when its client stops reading for so long that its user's
 * events it has not read are no longer kept (its resume then says {@code expired}), or when its
 * replies pile up unread. The close frame must reach a client that starts reading again, but the
 * container drops whatever it still buffers when the connection closes; so the connection first
 * sends a ping, which a client answers only after reading everything before it, and closes on the
 * pong (or after a grace period, for a client that never reads again).
 */
final class Connection implements Subscriber {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  private static final ClassLoader SEND_CONTEXT = ClassLoader.getPlatformClassLoader();
  private static final int PING_ATTEMPTS = 5;
  private static final long PING_RETRY_MS = 20;
  private static final byte[] DRAINED = "agentwire-drained".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEARTBEAT = "agentwire-alive?".getBytes(StandardCharsets.US_ASCII);
  private static final CloseReason OVERFLOWED =
      new CloseReason(
          CloseReason.CloseCodes.TRY_AGAIN_LATER,
          "outbox full: reconnect with last_event_id to resume");
  private static final CloseReason FELL_BEHIND =
      new CloseReason(
          CloseReason.CloseCodes.TRY_AGAIN_LATER,
          "fell behind: events it had not read are no longer kept; reconnect");
  private static final CloseReason WRITE_FAILED =
      new CloseReason(
          CloseReason.CloseCodes.UNEXPECTED_CONDITION,
          "write failed: reconnect with last_event_id to resume");
  private static final CloseReason TOKEN_EXPIRED =
      new CloseReason(CloseReason.CloseCodes.getCloseCode(4401), "token_expired");
  private static final CloseReason ABUSIVE =
      new CloseReason(
          CloseReason.CloseCodes.VIOLATED_POLICY, "too many messages for too long: rate limit");

  /** What becomes of one inbound frame under the connection's rate limit. */
  enum Admission {
    /** Within the rate: act on it. */
    ADMITTED,
    /** Over the rate: drop it unread and say so. */
    REJECTED,
    /** Over the rate for too long: close the connection. */
    ABUSIVE
  }

  private final Session session;
  private final String user;
  private volatile Set<String> roles = Set.of();
  private volatile Map<String, Object> claims = Map.of();
  private final Outbox outbox;
  private final TokenBucket inboundRate;
  private final TokenBucket strikes;
  private final ScheduledExecutorService scheduler;
  private final long closeGraceMs;
  private final long idleTimeoutNanos;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final Consumer<Subscriber> writeSoon;
  private final SocketMetrics metrics;
  private volatile long heardAt = System.nanoTime();
  private volatile CloseReason drainedClose;
  private volatile ScheduledFuture<?> expiry;

  /**
   * @param writeSoon has the connection's queue written soon, off the calling thread (the flusher)
   */
  Connection(
      Session session,
      String user,
      SocketSettings settings,
      WireFormat wire,
      SocketMetrics metrics,
      ScheduledExecutorService scheduler,
      Consumer<Subscriber> writeSoon) {
    this.session = session;
    this.user = user;
    this.scheduler = scheduler;
    this.writeSoon = writeSoon;
    this.metrics = metrics;
    this.closeGraceMs = settings.closeGraceMs();
    this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs());
    this.inboundRate =
        new TokenBucket(settings.messagesPerSecond(), settings.burst(), System::nanoTime);
    this.strikes =
        new TokenBucket(settings.forgivenPerSecond(), settings.maxRejected(), System::nanoTime);
    this.outbox =
        new Outbox(
            new Outbox.Transport() {
              @Override
              public void send(String frame, Consumer<Throwable> done) {
                write(frame, done);
              }

              @Override
              public void ping(Runnable done) {
                heartbeatPing(done);
              }
            },
            settings.outboxMaxMessages(),
            settings.outboxMaxBytes(),
            new Outbox.Endings() {
              @Override
              public void overflowed() {
                metrics.closedByServer(Outbox.REPLIES_UNREAD);
                drainThenClose(OVERFLOWED, "its replies piled up unread");
              }

              @Override
              public void fellBehind() {
                metrics.closedByServer(Outbox.FELL_BEHIND);
                drainThenClose(FELL_BEHIND, "events it had not read are no longer kept");
              }

              @Override
              public void failed(Throwable failure) {
                writeFailed(failure);
              }
            },
            metrics,
            replayed -> wire.write(new Resumed(replayed)),
            reason -> wire.write(new ResumeFailed(reason)));
  }

  /**
   * Hands one frame to the container. Whatever the send throws, {@link Error}s included (the
   * container's encoder throws one on text it cannot encode), is this connection's failure alone:
   * it is reported to the outbox, which closes this connection, and the writer goes on.
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
    Throwable refused = null;
    try {
      session
          .getAsyncRemote()
          .sendText(frame, result -> inContext(application, done, result.getException()));
    } catch (Throwable e) {
      refused = e;
    } finally {
      thread.setContextClassLoader(application);
    }
    if (refused != null) {
      done.accept(refused);
    }
  }

  /**
   * Reports a send's end with the application's class loader as context class loader, on whatever
   * thread the container completes it (its own, or this one, inside the send): what the report
   * calls may be CDI proxies, and GlassFish's Weld finds the application by that class loader.
   */
  private static void inContext(
      ClassLoader application, Consumer<Throwable> done, Throwable failure) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    if (before == application) { // the usual case: nothing to set on the per-frame path
      done.accept(failure);
      return;
    }
    thread.setContextClassLoader(application);
    try {
      done.accept(failure);
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  String user() {
    return user;
  }

  /** What the user's token said: roles and claims (empty for the container's principal). */
  void identify(Set<String> roles, Map<String, Object> claims) {
    this.roles = Set.copyOf(roles);
    this.claims = Map.copyOf(claims);
  }

  Set<String> roles() {
    return roles;
  }

  Map<String, Object> claims() {
    return claims;
  }

  String id() {
    return session.getId();
  }

  /** Starts reading the user's events through the cursor (after its replay, for a resume). */
  void attach(Cursor cursor, boolean resuming) {
    outbox.attach(cursor, resuming);
  }

  /**
   * Queues one serialized reply and has it written soon, with whatever else is ready by then: a
   * run's {@code run_accepted} usually leaves in one frame with its first events. Never blocks.
   */
  void send(String json) {
    if (outbox.enqueue(json)) {
      writeSoon.accept(this);
    }
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
    return outbox.backlog();
  }

  /**
   * Takes one inbound frame, of any kind and whether it will parse or not, against the rate limit,
   * before anything reads it. Each frame over the rate is a strike; strikes are forgiven slowly, so
   * a client that exceeds its rate now and then is only told so, and one that keeps exceeding it
   * runs out of strikes.
   */
  Admission admitInbound() {
    heardAt = System.nanoTime();
    if (inboundRate.tryAcquire()) {
      return Admission.ADMITTED;
    }
    return strikes.tryAcquire() ? Admission.REJECTED : Admission.ABUSIVE;
  }

  /** Whether the connection is on its way out: what its client sends now is not acted on. */
  boolean closing() {
    return outbox.isClosed();
  }

  void closed() {
    ScheduledFuture<?> pending = expiry;
    if (pending != null) {
      pending.cancel(false);
    }
    outbox.close(Outbox.CLOSED);
  }

  /**
   * Closes the connection with 4401 {@code token_expired} when the token it was opened with
   * expires: its client gets a fresh token and resumes with {@code last_event_id}.
   */
  void expireAt(Instant expiresAt) {
    long delayMs = Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis());
    expiry = scheduler.schedule(this::expire, delayMs, TimeUnit.MILLISECONDS);
  }

  private void expire() {
    if (closing() || !session.isOpen()) {
      return;
    }
    LOG.fine(() -> "closing connection " + id() + " of user " + who() + ": its token expired");
    metrics.closedByServer("token_expired");
    outbox.close("token_expired");
    close(TOKEN_EXPIRED);
  }

  /** Closes a connection that may not be served, before anything was sent on it. */
  void refuse(CloseReason reason) {
    LOG.warning(
        () ->
            "refusing connection " + id() + " of user " + who() + ": " + reason.getReasonPhrase());
    metrics.closedByServer("refused");
    outbox.close("refused");
    close(reason);
  }

  /** Closes the connection of a client that kept sending over its rate. */
  void closeAbusive() {
    LOG.warning(
        () ->
            "closing connection "
                + id()
                + " of user "
                + who()
                + " (1008): "
                + ABUSIVE.getReasonPhrase());
    metrics.closedByServer("abusive");
    outbox.close("abusive");
    scheduler.execute(() -> close(ABUSIVE));
  }

  /** The user as logs name it: a hash, never the id itself. */
  private String who() {
    return UserHash.of(user);
  }

  /**
   * Keeps the connection honest about being alive: pings it, or closes it when nothing, not even a
   * pong, came from the client for longer than the idle timeout (a peer that vanished without a
   * close: its user resumes on reconnect).
   */
  @Override
  public void heartbeat(long nowNanos) {
    if (closing() || !session.isOpen()) {
      return;
    }
    if (outbox.fellBehind()) {
      // Its writer may be stuck behind a frame the client never reads: close from here.
      LOG.warning(
          () ->
              "closing connection "
                  + id()
                  + " of user "
                  + who()
                  + " (1013): it stopped reading and its user's events it had not read are no"
                  + " longer kept");
      metrics.closedByServer(Outbox.FELL_BEHIND);
      outbox.close(Outbox.FELL_BEHIND);
      scheduler.execute(() -> close(FELL_BEHIND));
      return;
    }
    long silentNanos = nowNanos - heardAt;
    if (silentNanos > idleTimeoutNanos) {
      long silentSeconds = TimeUnit.NANOSECONDS.toSeconds(silentNanos);
      LOG.info(
          () ->
              "closing connection "
                  + id()
                  + " of user "
                  + who()
                  + ": silent for "
                  + silentSeconds
                  + " s");
      metrics.closedByServer("idle");
      outbox.close("idle");
      scheduler.execute(
          () ->
              close(
                  new CloseReason(
                      CloseReason.CloseCodes.GOING_AWAY,
                      "idle: no frame or pong for "
                          + silentSeconds
                          + " s; reconnect with last_event_id to resume")));
      return;
    }
    outbox.ping();
  }

  /**
   * The heartbeat's ping, on the outbox's turn (never beside a frame), sent from the scheduler: on
   * some containers a ping is a blocking write, which must not hold up the writer every connection
   * shares. Open Liberty may still be finishing the frame before when the ping comes ("write not
   * allowed"), so a refused ping is tried again shortly, a few times, before the turn is given up.
   */
  private void heartbeatPing(Runnable done) {
    schedulePing(done, 1);
  }

  /**
   * Submits one attempt with the platform class loader as context class loader (Payara's context
   * capture then skips its class-path scan, see {@link #write}); the attempt, and the outbox's
   * continuation, run with the application's loader.
   */
  private void schedulePing(Runnable done, int attempt) {
    Thread thread = Thread.currentThread();
    ClassLoader application = thread.getContextClassLoader();
    Runnable task =
        () -> {
          Thread worker = Thread.currentThread();
          ClassLoader before = worker.getContextClassLoader();
          worker.setContextClassLoader(application);
          boolean again = false;
          try {
            again = !ping(HEARTBEAT) && attempt < PING_ATTEMPTS && session.isOpen();
          } finally {
            try {
              if (again) {
                schedulePing(done, attempt + 1);
              } else {
                done.run();
              }
            } finally {
              worker.setContextClassLoader(before);
            }
          }
        };
    thread.setContextClassLoader(SEND_CONTEXT);
    boolean scheduled = false;
    try {
      if (attempt == 1) {
        scheduler.execute(task);
      } else {
        scheduler.schedule(task, PING_RETRY_MS, TimeUnit.MILLISECONDS);
      }
      scheduled = true;
    } catch (RejectedExecutionException e) {
      LOG.log(Level.FINE, "no ping to connection " + id() + ": the server is stopping", e);
    } finally {
      thread.setContextClassLoader(application);
    }
    if (!scheduled) {
      done.run();
    }
  }

  /**
   * Sends a ping. The heartbeat's goes out between frames ({@link #heartbeatPing}); the drain ping
   * goes out once the outbox has ended, with no frame in flight.
   */
  private boolean ping(byte[] payload) {
    Thread thread = Thread.currentThread();
    ClassLoader application = thread.getContextClassLoader();
    thread.setContextClassLoader(SEND_CONTEXT);
    try {
      session.getAsyncRemote().sendPing(ByteBuffer.wrap(payload));
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "ping to connection " + id() + " failed", e);
      return false;
    } finally {
      thread.setContextClassLoader(application);
    }
  }

  /**
   * Runs once the last frame was handed over: a ping goes out after everything sent before, and the
   * close follows its pong (or the grace period), so that a client reading again gets it.
   */
  private void drainThenClose(CloseReason reason, String why) {
    LOG.warning(
        () ->
            "closing connection "
                + id()
                + " of user "
                + who()
                + " (1013): it stopped reading; "
                + why);
    scheduler.execute(
        () -> {
          if (!ping(DRAINED)) {
            close(reason);
            return;
          }
          drainedClose = reason;
          scheduler.schedule(() -> close(reason), closeGraceMs, TimeUnit.MILLISECONDS);
        });
  }

  /** A socket that cannot be written is closed, so that its client reconnects and resumes. */
  private void writeFailed(Throwable failure) {
    if (failure instanceof IOException || !session.isOpen()) {
      // The client went away: an ordinary end, and nothing is lost (the history has the events).
      LOG.log(Level.FINE, "write to connection " + id() + " of user " + who() + " failed", failure);
    } else {
      LOG.log(
          Level.SEVERE,
          "write to connection " + id() + " of user " + who() + " failed; closing it with 1011",
          failure);
    }
    scheduler.execute(() -> close(WRITE_FAILED));
  }

  /** Any frame from the client shows it is alive; the drain pong also lets a slow reader close. */
  void pong(PongMessage pong) {
    heardAt = System.nanoTime();
    CloseReason reason = drainedClose;
    if (reason != null && pong.getApplicationData().equals(ByteBuffer.wrap(DRAINED))) {
      scheduler.execute(() -> close(reason));
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
