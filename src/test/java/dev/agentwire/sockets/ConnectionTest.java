package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventStore;
import dev.agentwire.events.LocalEventLog;
import dev.agentwire.testing.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a connection hands frames to the container: replies are queued and left to the flusher, and
 * every send runs with the platform class loader as the context class loader (which spares Payara a
 * class-path scan per send), with the caller's restored afterwards, whatever the send does.
 */
class ConnectionTest {

  private final List<String> frames = new ArrayList<>();
  private final List<ClassLoader> contextDuringSend = new ArrayList<>();
  private final List<Subscriber> writeSoon = new ArrayList<>();
  private final ClassLoader caller = new URLClassLoader(new URL[0], getClass().getClassLoader());
  private ClassLoader original;
  private final CompletableFuture<CloseReason> closedWith = new CompletableFuture<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private Throwable sendFailure;
  private final List<String> pings = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Thread> pingThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger pingRefusals =
      new java.util.concurrent.atomic.AtomicInteger();
  private Connection connection;
  private long createdNanos;
  private final LocalEventLog log =
      new LocalEventLog(
          new EventCodec(),
          new EventStore(
              "c0nn",
              new EventStore.Retention(1_000, 60_000, 1 << 20, 1 << 24, 60_000),
              java.time.Clock.systemUTC()));

  @BeforeEach
  void setUp() {
    original = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(caller);
    SocketSettings settings = new SocketSettings();
    settings.outboxMaxMessages = 100;
    settings.outboxMaxBytes = 1 << 20;
    settings.messagesPerSecond = 100;
    settings.burst = 100;
    settings.closeGraceMs = 1_000;
    settings.maxRejected = 5;
    settings.forgivenPerSecond = 0.001;
    settings.idleTimeoutMs = 45_000;
    settings.pingIntervalMs = 15_000;
    createdNanos = System.nanoTime();
    connection =
        new Connection(
            session(),
            "ann",
            settings,
            new WireFormat(new EventCodec()),
            new SocketMetrics(new PrometheusRegistry(), log),
            scheduler,
            writeSoon::add);
    connection.attach(log.open("ann", null), false);
  }

  @AfterEach
  void restore() {
    scheduler.shutdownNow();
    Thread.currentThread().setContextClassLoader(original);
  }

  @Test
  void aReplyIsQueuedForTheFlusherNotWrittenOnTheCallersThread() {
    connection.send("{\"type\":\"pong\"}");

    assertEquals(List.of(), frames);
    assertEquals(List.of(connection), writeSoon);

    connection.flush();
    assertEquals(List.of("{\"type\":\"pong\"}"), frames);
  }

  @Test
  void whatQueuedMeanwhileLeavesAsOneFrame() {
    connection.send("{\"n\":1}");
    connection.send("{\"n\":2}");
    connection.flush();

    assertEquals(List.of("{\"n\":1}\n{\"n\":2}"), frames);
  }

  @Test
  void sendsRunWithThePlatformClassLoaderAndRestoreTheCallers() {
    connection.send("{\"n\":1}");
    connection.flush();

    assertEquals(List.of(ClassLoader.getPlatformClassLoader()), contextDuringSend);
    assertSame(caller, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void aSendThatThrowsStillRestoresTheCallersClassLoaderAndClosesTheConnection() throws Exception {
    sendFailure = new IllegalStateException("the socket is gone");
    connection.send("{\"n\":1}");
    connection.flush();

    assertSame(caller, Thread.currentThread().getContextClassLoader());
    assertTrue(connection.closing(), "a failed write closes the outbox");
    CloseReason reason = closedWith.get(5, TimeUnit.SECONDS);
    assertEquals(CloseReason.CloseCodes.UNEXPECTED_CONDITION, reason.getCloseCode());
  }

  @Test
  void anErrorFromTheContainersEncoderClosesThisConnectionWith1011AndIsNotThrown()
      throws Exception {
    // Tyrus throws java.lang.Error (MalformedInputException) on text it cannot encode.
    sendFailure = new Error(new java.nio.charset.MalformedInputException(1));
    connection.send("{\"n\":1}");
    connection.flush(); // the flusher's call: it must return normally

    assertTrue(connection.closing());
    assertEquals(
        CloseReason.CloseCodes.UNEXPECTED_CONDITION,
        closedWith.get(5, TimeUnit.SECONDS).getCloseCode());
    assertSame(caller, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void framesOverTheRateAreRejectedAndSustainedExcessIsAbuse() {
    for (int i = 0; i < 100; i++) {
      assertEquals(Connection.Admission.ADMITTED, connection.admitInbound(), "within the burst");
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(Connection.Admission.REJECTED, connection.admitInbound(), "strike " + i);
    }
    assertEquals(Connection.Admission.ABUSIVE, connection.admitInbound());
  }

  @Test
  void anAbusiveConnectionIsClosedWith1008() throws Exception {
    connection.closeAbusive();

    assertTrue(connection.closing());
    assertEquals(
        CloseReason.CloseCodes.VIOLATED_POLICY, closedWith.get(5, TimeUnit.SECONDS).getCloseCode());
  }

  @Test
  void aLiveConnectionIsPingedAndASilentOneClosed() throws Exception {
    long now = System.nanoTime();
    connection.heartbeat(now);
    Await.until(() -> !pings.isEmpty(), Duration.ofSeconds(5), "the heartbeat's ping");
    assertEquals(List.of("agentwire-alive?"), pings);
    assertTrue(
        pingThreads.get(0) != Thread.currentThread(),
        "a ping may block: not on the caller's thread");
    assertTrue(!closedWith.isDone());

    connection.heartbeat(now + TimeUnit.SECONDS.toNanos(46));

    CloseReason reason = closedWith.get(5, TimeUnit.SECONDS);
    assertEquals(CloseReason.CloseCodes.GOING_AWAY, reason.getCloseCode());
    assertTrue(reason.getReasonPhrase().startsWith("idle"), reason.getReasonPhrase());
    assertEquals(1, pings.size(), "no ping to a connection being closed");
  }

  @Test
  void aPingTheContainerRefusesForNowIsTriedAgain() throws Exception {
    pingRefusals.set(2);
    connection.heartbeat(System.nanoTime());
    Await.until(() -> !pings.isEmpty(), Duration.ofSeconds(5), "the ping, on its third attempt");
    assertEquals(3, pingThreads.size(), "two refused attempts, then the ping");
    assertEquals(List.of("agentwire-alive?"), pings);
    assertTrue(!closedWith.isDone(), "a refused ping does not end the connection");
  }

  @Test
  void anyFrameFromTheClientCountsAsLife() throws Exception {
    // Later than the connection's start by more than the margin below, so only the frame saves it.
    long start = createdNanos + TimeUnit.MILLISECONDS.toNanos(10);
    Await.until(() -> System.nanoTime() > start, Duration.ofSeconds(5), "time past the start");
    connection.admitInbound();

    connection.heartbeat(start + TimeUnit.SECONDS.toNanos(45));

    Await.until(() -> !pings.isEmpty(), Duration.ofSeconds(5), "the heartbeat's ping");
    assertEquals(List.of("agentwire-alive?"), pings, "pinged, not closed");
  }

  /** A session whose async endpoint records each frame and completes it at once. */
  private Session session() {
    RemoteEndpoint.Async async =
        (RemoteEndpoint.Async)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("sendPing")) {
                    pingThreads.add(Thread.currentThread());
                    if (pingRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                      // What Open Liberty throws while it finishes the frame before.
                      throw new IllegalStateException(
                          "write not allowed.  Most likely cause is that another Write or Close"
                              + " is in progress");
                    }
                    pings.add(
                        java.nio.charset.StandardCharsets.US_ASCII
                            .decode((java.nio.ByteBuffer) args[0])
                            .toString());
                    return null;
                  }
                  if (method.getName().equals("sendText") && args.length == 2) {
                    contextDuringSend.add(Thread.currentThread().getContextClassLoader());
                    if (sendFailure != null) {
                      throw sendFailure;
                    }
                    frames.add((String) args[0]);
                    ((SendHandler) args[1]).onResult(new SendResult());
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return (Session)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAsyncRemote" -> async;
                  case "getId" -> "s-1";
                  case "isOpen" -> !closedWith.isDone();
                  case "close" -> {
                    closedWith.complete((CloseReason) args[0]);
                    yield null;
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
