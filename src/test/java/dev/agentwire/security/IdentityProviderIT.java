package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.agentwire.testing.FrameSocket;
import dev.agentwire.testing.ReadmeServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens from an identity provider, from outside: AgentWire started as the README's run command
 * starts it, configured as a deployment would be with MicroProfile JWT's names (the provider's key
 * set URL, its issuer, the audience), against a key set this test serves with keys it generated. A
 * provider's RS256 or ES256 token opens a socket and runs an agent; a wrong audience, another
 * issuer, an expired token and an HS256 token forged with the public key are refused; a connection
 * is closed with 4401 when its token expires, and resumes with a fresh one.
 */
class IdentityProviderIT {

  private static final int PORT = 18283;
  private static final String ISSUER = "http://127.0.0.1/realms/portal";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpServer provider;
  private static ReadmeServer server;
  private static URL base;
  private static RSAKey rsa;
  private static ECKey ec;

  @BeforeAll
  static void start() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("portal-rsa").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("portal-ec").generate();
    byte[] jwks =
        new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
    provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext(
        "/realms/portal/protocol/openid-connect/certs",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    provider.start();
    String certs =
        "http://127.0.0.1:"
            + provider.getAddress().getPort()
            + "/realms/portal/protocol/openid-connect/certs";
    server =
        ReadmeServer.start(
            PORT,
            "identity",
            Duration.ofMinutes(3),
            Map.of(
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                certs,
                "MP_JWT_VERIFY_ISSUER",
                ISSUER,
                "MP_JWT_VERIFY_AUDIENCES",
                "agentwire",
                "AGENTWIRE_AGENTS_SCRIPTED_ROLES",
                "portal-scripted"));
    base = server.base();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.stop(0);
    }
  }

  private static JWTClaimsSet.Builder claims(String user) {
    return new JWTClaimsSet.Builder()
        .subject(user)
        .issuer(ISSUER)
        .audience(List.of("account", "agentwire"))
        .claim("groups", List.of("portal-users", "portal-scripted"))
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private static String sign(JWSAlgorithm algorithm, JWK key, JWSSigner signer, JWTClaimsSet set)
      throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), set);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String rs256(JWTClaimsSet set) throws JOSEException {
    return sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa), set);
  }

  @Test
  void aProvidersTokenOpensASocketAndRunsAnAgent() throws Exception {
    for (String token :
        List.of(
            rs256(claims("idp-alice").build()),
            sign(JWSAlgorithm.ES256, ec, new ECDSASigner(ec), claims("idp-alice").build()))) {
      try (FrameSocket socket = FrameSocket.open(base, "", token, true)) {
        socket.sendText(
            "{\"type\":\"start_run\",\"request_id\":\"r\",\"agent\":\"scripted\",\"input\":"
                + "\"{\\\"steps\\\":[{\\\"tool\\\":\\\"echo\\\",\\\"arguments\\\":{}}],"
                + "\\\"output\\\":\\\"hi\\\"}\"}");
        JsonObject end =
            socket.await(
                m -> "agent_completed".equals(m.getString("type", null)),
                Duration.ofSeconds(20),
                "agent_completed");
        assertEquals("succeeded", end.getJsonObject("data").getString("status"));
      }
    }
  }

  @Test
  void aWrongAudienceAnotherIssuerAnExpiredTokenAndAForgedOneAreRefused() throws Exception {
    List<String> refused =
        List.of(
            rs256(claims("idp-bob").audience("another-app").build()),
            rs256(claims("idp-bob").issuer("http://127.0.0.1/realms/other").build()),
            rs256(
                claims("idp-bob")
                    .expirationTime(Date.from(Instant.now().minusSeconds(120)))
                    .build()),
            sign(
                JWSAlgorithm.HS256,
                rsa,
                new MACSigner(rsa.toRSAPublicKey().getEncoded()),
                claims("idp-bob").build()));
    for (String token : refused) {
      FrameSocket.Handshake handshake = FrameSocket.attempt(base, token);
      assertEquals(401, handshake.status(), handshake.body());
    }
  }

  /** An agent that names roles is only for users whose token holds one of them. */
  @Test
  void anAgentWithRolesIsForbiddenToUsersWithoutThem() throws Exception {
    String token = rs256(claims("idp-erin").claim("groups", List.of("portal-users")).build());
    try (FrameSocket socket = FrameSocket.open(base, "", token, true)) {
      socket.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"s\",\"agent\":\"scripted\",\"input\":"
              + "\"{\\\"steps\\\":[]}\"}");
      JsonObject refused =
          socket.await(
              m -> "s".equals(m.getString("request_id", null)), Duration.ofSeconds(20), "s");
      assertEquals("forbidden", refused.getString("code", null), refused.toString());
      socket.sendText("{\"type\":\"start_run\",\"request_id\":\"a\",\"input\":\"what is 2 + 3?\"}");
      JsonObject accepted =
          socket.await(
              m -> "a".equals(m.getString("request_id", null)), Duration.ofSeconds(20), "a");
      assertEquals("run_accepted", accepted.getString("type"), "the assistant names no roles");
    }
  }

  /** A browser needs no token in the URL: it trades its token for a one-time connect ticket. */
  @Test
  void aConnectTicketOpensOneSocketOnceAndNeverAppearsInTheLog() throws Exception {
    String token = rs256(claims("idp-dave").build());
    HttpResponse<String> issued =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "api/tickets"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, issued.statusCode(), issued.body());
    JsonObject body = Json.createReader(new StringReader(issued.body())).readObject();
    String ticket = body.getString("ticket");
    assertEquals(30, body.getInt("expires_in"));
    String query = "ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
    try (FrameSocket socket = FrameSocket.open(base, query, null, true)) {
      socket.sendText("{\"type\":\"ping\",\"request_id\":\"t\"}");
      socket.await(
          m -> "t".equals(m.getString("request_id", null)), Duration.ofSeconds(20), "pong");
    }
    assertEquals(401, FrameSocket.attempt(base, query, null).status(), "a ticket is good once");
    assertEquals(401, FrameSocket.attempt(base, "ticket=made-up", null).status());

    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "api/tickets"))
                .header("Authorization", "Bearer " + rs256(claims("x").audience("other").build()))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, refused.statusCode(), "no ticket for a token that does not verify");
    String log = server.logText();
    assertTrue(!log.contains(ticket) && !log.contains(token), "a ticket or token in the log");
  }

  @Test
  void aConnectionIsClosedWith4401WhenItsTokenExpiresAndResumesWithAFreshOne() throws Exception {
    String shortLived =
        rs256(claims("idp-carol").expirationTime(Date.from(Instant.now().plusSeconds(4))).build());
    String lastId;
    try (FrameSocket socket = FrameSocket.open(base, "", shortLived, true)) {
      socket.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"r\",\"agent\":\"scripted\",\"input\":"
              + "\"{\\\"steps\\\":[{\\\"think\\\":\\\"before\\\"}]}\"}");
      JsonObject end =
          socket.await(
              m -> "agent_completed".equals(m.getString("type", null)),
              Duration.ofSeconds(20),
              "agent_completed");
      lastId = end.getString("id");
      assertEquals(4401, socket.awaitClose(Duration.ofSeconds(20)));
    }
    String fresh = rs256(claims("idp-carol").build());
    String query = "last_event_id=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8);
    try (FrameSocket back = FrameSocket.open(base, query, fresh, true)) {
      JsonObject resumed =
          back.await(
              m -> "resumed".equals(m.getString("type", null)), Duration.ofSeconds(20), "resumed");
      assertEquals(0, resumed.getInt("replayed"));
      assertTrue(back.defects().isEmpty(), back.defects().toString());
    }
  }
}
