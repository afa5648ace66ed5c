package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.FrameSocket;
import dev.agentwire.testing.Tokens;
import dev.agentwire.testing.WireClient;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-user handshake limits, at their defaults, on whichever server runs the WAR: they are
 * AgentWire's own (security.ConnectionQuota), not a server's, so every server profile runs this.
 */
@ExtendWith(ArquillianExtension.class)
class UserLimitsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire();
  }

  @ArquillianResource URL base;

  @Test
  void theSeventeenthConnectionOfAUserIsRefusedUntilOneCloses() throws IOException {
    String token = Tokens.valid("crowd");
    List<FrameSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        open.add(FrameSocket.open(base, "", token, true));
      }
      FrameSocket.Handshake refused = FrameSocket.attempt(base, token);
      assertEquals(429, refused.status(), refused.headers());
      assertTrue(refused.body().contains("too many open connections"), refused.body());
      try (WireClient other = WireClient.connect(base, "not-crowd")) {
        other.send("{\"type\":\"ping\",\"request_id\":\"other\"}");
        other.reply("other");
      }
      open.remove(0).close();
      Await.until(
          () -> attemptStatus(token) == 101, WAIT, "a connection admitted after one closed");
    } finally {
      for (FrameSocket socket : open) {
        socket.close();
      }
    }
  }

  private int attemptStatus(String token) {
    try {
      return FrameSocket.attempt(base, token).status();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aHandshakeFloodIsRefusedWith429AndRetryAfter() throws Exception {
    // Plain GETs with a valid token: each is a handshake attempt, none leaves a connection open.
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest attempt =
        HttpRequest.newBuilder(URI.create(base + "ws"))
            .header("Authorization", "Bearer " + Tokens.valid("stampede"))
            .timeout(WAIT)
            .build();
    HttpResponse<String> last = null;
    for (int i = 0; i < 200 && (last == null || last.statusCode() != 429); i++) {
      last = http.send(attempt, HttpResponse.BodyHandlers.ofString());
    }
    assertNotNull(last);
    assertEquals(429, last.statusCode(), last.body());
    assertTrue(last.body().contains("too many connection attempts"), last.body());
    assertTrue(last.headers().firstValue("Retry-After").isPresent(), last.headers().toString());
    try (WireClient other = WireClient.connect(base, "not-stampede")) {
      other.send("{\"type\":\"ping\",\"request_id\":\"other\"}");
      other.reply("other");
    }
  }
}
