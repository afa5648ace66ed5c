package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Connection and Authentication rules of protocol v1, checked at the handshake. */
@ExtendWith(ArquillianExtension.class)
class HandshakeRulesIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire();
  }

  private static final Duration WAIT = Duration.ofSeconds(20);

  @ArquillianResource URL base;

  @Test
  void noTokenIsRefusedWith401() {
    assertHandshakeStatus(401, WireClient.builder(), endpoint());
  }

  @Test
  void badSignatureIsRefusedWith401() {
    assertRefused(Tokens.signedWith("another-secret-that-is-at-least-32-bytes", "alice"));
  }

  @Test
  void unsignedTokenIsRefusedWith401() {
    assertRefused(Tokens.unsigned("alice"));
  }

  @Test
  void expiredTokenIsRefusedWith401() {
    assertRefused(Tokens.expired("alice"));
  }

  @Test
  void tokenWithoutSubjectIsRefusedWith401() {
    assertRefused(Tokens.withoutSubject());
  }

  @Test
  void tokenWithoutExpiryIsRefusedWith401() {
    assertRefused(Tokens.withoutExpiry("alice"));
  }

  @Test
  void garbageTokenIsRefusedWith401() {
    assertRefused("not.a.jwt");
  }

  @Test
  void headerTokenIsAccepted() {
    try (WireClient client =
        WireClient.open(
            WireClient.builder().header("Authorization", "Bearer " + Tokens.valid("alice")),
            endpoint())) {
      assertPongs(client);
    }
  }

  @Test
  void queryTokenIsAccepted() {
    try (WireClient client =
        WireClient.open(
            WireClient.builder(),
            URI.create(endpoint() + "?access_token=" + Tokens.valid("alice")))) {
      assertPongs(client);
    }
  }

  @Test
  void badQueryTokenIsRefused() {
    assertHandshakeStatus(
        401,
        WireClient.builder(),
        URI.create(endpoint() + "?access_token=" + Tokens.expired("alice")));
  }

  @Test
  void subprotocolIsNegotiatedWhenOffered() {
    try (WireClient client =
        WireClient.open(
            WireClient.builder()
                .header("Authorization", "Bearer " + Tokens.valid("alice"))
                .subprotocols("agentwire.v1"),
            endpoint())) {
      assertEquals("agentwire.v1", client.subprotocol());
      assertPongs(client);
    }
  }

  @Test
  void noSubprotocolIsAcceptedToo() {
    try (WireClient client = WireClient.connect(base, "alice")) {
      assertEquals("", client.subprotocol());
      assertPongs(client);
    }
  }

  @Test
  void foreignOriginIsRefusedWith403() {
    assertHandshakeStatus(
        403,
        WireClient.builder()
            .header("Authorization", "Bearer " + Tokens.valid("alice"))
            .header("Origin", "https://evil.example.net"),
        endpoint());
  }

  @Test
  void foreignOriginIsRefusedEvenWithoutToken() {
    assertHandshakeStatus(
        403, WireClient.builder().header("Origin", "https://evil.example.net"), endpoint());
  }

  @Test
  void configuredOriginIsAccepted() {
    try (WireClient client =
        WireClient.open(
            WireClient.builder()
                .header("Authorization", "Bearer " + Tokens.valid("alice"))
                .header("Origin", Deployments.ALLOWED_ORIGIN),
            endpoint())) {
      assertPongs(client);
    }
  }

  @Test
  void sameOriginIsAccepted() {
    String origin = "http://" + base.getHost() + ":" + base.getPort();
    try (WireClient client =
        WireClient.open(
            WireClient.builder()
                .header("Authorization", "Bearer " + Tokens.valid("alice"))
                .header("Origin", origin),
            endpoint())) {
      assertPongs(client);
    }
  }

  @Test
  void refusalSaysWhyWithoutUpgrading() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "ws"))
                    .header("Authorization", "Bearer " + Tokens.expired("alice"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(401, response.statusCode());
    assertEquals("token expired", response.body().trim());
    assertEquals(
        "Bearer error=\"invalid_token\"",
        response.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  @Test
  void devTokenEndpointDoesNotExistOutsideDevMode() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "api/dev/token?user=alice"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(404, response.statusCode());
  }

  private URI endpoint() {
    return WireClient.endpoint(base);
  }

  private void assertRefused(String token) {
    assertHandshakeStatus(
        401, WireClient.builder().header("Authorization", "Bearer " + token), endpoint());
  }

  private static void assertHandshakeStatus(
      int status, java.net.http.WebSocket.Builder builder, URI uri) {
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () ->
                WireClient.handshake(builder, uri)
                    .get(WireClient.WAIT.toSeconds(), TimeUnit.SECONDS));
    WebSocketHandshakeException handshake =
        assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
    assertEquals(status, handshake.getResponse().statusCode());
  }

  private static void assertPongs(WireClient client) {
    client.send("{\"type\":\"ping\",\"request_id\":\"p1\"}");
    assertEquals("pong", client.reply("p1").getString("type"));
  }

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
