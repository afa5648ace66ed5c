package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.LogCapture;
import jakarta.enterprise.context.Dependent;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that cannot serve its connection closes it with 1011 and says so at SEVERE: a socket
 * that is open but answers nothing is the failure users cannot see (issue 14, Open Liberty).
 */
class AgentSocketTest {

  private final CompletableFuture<CloseReason> closedWith = new CompletableFuture<>();
  private final Map<String, Integer> buffers = new java.util.concurrent.ConcurrentHashMap<>();
  private LogCapture logged;

  @BeforeEach
  void capture() {
    logged = LogCapture.of(AgentSocket.class);
  }

  @AfterEach
  void release() {
    logged.close();
  }

  /** CDI 4 discovers only annotated beans in a WAR without beans.xml: the endpoint must be one. */
  @Test
  void theEndpointIsABeanOnEveryServer() {
    assertTrue(AgentSocket.class.isAnnotationPresent(Dependent.class));
  }

  @Test
  void anEndpointCreatedWithoutInjectionClosesWith1011AndLogsSevere() throws Exception {
    new AgentSocket().open(session());

    CloseReason reason = closedWith.get(5, TimeUnit.SECONDS);
    assertEquals(1011, reason.getCloseCode().getCode());
    LogRecord record = logged.next(5);
    assertNotNull(record, "nothing logged");
    assertEquals(Level.SEVERE, record.getLevel());
    assertTrue(record.getMessage().contains("without CDI injection"), record.getMessage());
  }

  @Test
  void aConnectionThatFailsToSetUpClosesWith1011AndLogsSevere() throws Exception {
    AgentSocket socket = new AgentSocket();
    socket.sessions =
        new UserSessions() {
          @Override
          Connection open(Session session, String user, String lastEventId, Instant expiresAt) {
            throw new IllegalStateException("the event log is gone");
          }
        };
    socket.requests = new ClientRequests();

    socket.open(session());

    assertEquals(1011, closedWith.get(5, TimeUnit.SECONDS).getCloseCode().getCode());
    LogRecord record = logged.next(5);
    assertNotNull(record, "nothing logged");
    assertEquals(Level.SEVERE, record.getLevel());
    assertEquals("the event log is gone", record.getThrown().getMessage());
    assertTrue(
        record.getMessage().startsWith("could not set up a connection of user "),
        record.getMessage());
    assertTrue(!record.getMessage().contains("ada"), "the raw user id was logged");
    // The frame limit was set on the session first, where every server applies it.
    assertEquals(
        Map.of("setMaxTextMessageBufferSize", 65_536, "setMaxBinaryMessageBufferSize", 65_536),
        buffers);
  }

  /** A session of user ada that records how it was closed. */
  private Session session() {
    Principal ada = () -> "ada";
    return (Session)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getUserPrincipal" -> ada;
                  case "getRequestParameterMap" -> Map.<String, List<String>>of();
                  case "getId" -> "s-1";
                  case "setMaxTextMessageBufferSize", "setMaxBinaryMessageBufferSize" -> {
                    buffers.put(method.getName(), (Integer) args[0]);
                    yield null;
                  }
                  case "isOpen" -> !closedWith.isDone();
                  case "close" -> {
                    closedWith.complete((CloseReason) args[0]);
                    yield null;
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
