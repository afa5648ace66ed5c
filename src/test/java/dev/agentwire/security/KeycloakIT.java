package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.FrameSocket;
import dev.agentwire.testing.ReadmeServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AgentWire against a real identity provider: Keycloak's distribution (unpacked by the build),
 * started by this test in dev mode with the realms in {@code src/test/resources/keycloak}, and
 * AgentWire started as the README's run command starts it, configured for Keycloak with
 * MicroProfile JWT's names only. Tokens come from Keycloak over HTTP (the password grant). The
 * realm's tokens live 4 s and the skew is 0 here, so that an expired token can be shown without
 * waiting.
 */
class KeycloakIT {

  private static final int KEYCLOAK_PORT = 18090;
  private static final int PORT = 18284;
  private static final String KEYCLOAK = "http://127.0.0.1:" + KEYCLOAK_PORT;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Process keycloak;
  private static ReadmeServer server;
  private static URL base;

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of(System.getProperty("agentwire.keycloak"));
    Path java = newerJava();
    Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
    for (String realm : List.of("portal-realm.json", "other-realm.json")) {
      try (var in = KeycloakIT.class.getResourceAsStream("/keycloak/" + realm)) {
        Files.copy(in, imports.resolve(realm), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("bin").resolve("kc.sh").toString(),
                "start-dev",
                "--http-port=" + KEYCLOAK_PORT,
                "--http-host=127.0.0.1",
                "--import-realm")
            .redirectErrorStream(true)
            .redirectOutput(home.getParent().resolve("keycloak.log").toFile());
    builder.environment().put("JAVA_HOME", java.toString());
    builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-for-tests");
    keycloak = builder.start();
    // AgentWire starts meanwhile: it fetches Keycloak's keys only when the first token comes.
    server =
        ReadmeServer.start(
            PORT,
            "keycloak",
            Duration.ofMinutes(3),
            Map.of(
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                KEYCLOAK + "/realms/portal/protocol/openid-connect/certs",
                "MP_JWT_VERIFY_ISSUER",
                KEYCLOAK + "/realms/portal",
                "MP_JWT_VERIFY_AUDIENCES",
                "agentwire",
                "AGENTWIRE_AUTH_USER_CLAIM",
                "preferred_username",
                "AGENTWIRE_AUTH_CLOCK_SKEW_SECONDS",
                "0"));
    base = server.base();
    Await.until(
        () -> {
          if (!keycloak.isAlive()) {
            throw new AssertionError(
                "Keycloak exited; see " + home.getParent().resolve("keycloak.log"));
          }
          return get(KEYCLOAK + "/realms/portal/.well-known/openid-configuration") == 200;
        },
        Duration.ofMinutes(3),
        "Keycloak ready");
  }

  /**
   * A JDK of version 21 or later under /usr/lib/jvm (Keycloak 26 needs one), or the test is
   * skipped.
   */
  private static Path newerJava() throws IOException {
    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      Optional<Path> found =
          jdks.filter(jdk -> Files.isExecutable(jdk.resolve("bin").resolve("java")))
              .filter(jdk -> jdk.getFileName().toString().matches(".*-(2[1-9]|[3-9][0-9])[-.].*"))
              .findFirst();
      if (found.isEmpty()) {
        String message = "no JDK 21+ under /usr/lib/jvm for Keycloak";
        if (System.getenv("CI") != null) {
          throw new AssertionError(message);
        }
        Assumptions.abort(message);
      }
      return found.get();
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    if (keycloak != null) {
      keycloak.descendants().forEach(ProcessHandle::destroy);
      keycloak.destroy();
      if (!keycloak.waitFor(30, TimeUnit.SECONDS)) {
        keycloak.descendants().forEach(ProcessHandle::destroyForcibly);
        keycloak.destroyForcibly();
      }
    }
  }

  private static int get(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** An access token from Keycloak for alice, by the password grant. */
  private static String token(String realm, String client) throws Exception {
    String form =
        "grant_type=password&client_id="
            + client
            + "&username=alice&password=alice-password&scope=openid";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(KEYCLOAK + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject().getString("access_token");
    }
  }

  private static JsonObject claims(String token) {
    String payload =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    try (JsonReader reader = Json.createReader(new StringReader(payload))) {
      return reader.readObject();
    }
  }

  @Test
  void aKeycloakTokenOpensASocketAndRunsAnAgent() throws Exception {
    String token = token("portal", "portal-web");
    assertEquals("alice", claims(token).getString("preferred_username"));
    try (FrameSocket socket = FrameSocket.open(base, "", token, true)) {
      socket.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"r\",\"agent\":\"scripted\",\"input\":"
              + "\"{\\\"steps\\\":[{\\\"tool\\\":\\\"echo\\\",\\\"arguments\\\":{}}],"
              + "\\\"output\\\":\\\"from keycloak\\\"}\"}");
      JsonObject end =
          socket.await(
              m -> "agent_completed".equals(m.getString("type", null)),
              Duration.ofSeconds(20),
              "agent_completed");
      assertEquals("succeeded", end.getJsonObject("data").getString("status"));
      assertEquals("from keycloak", end.getJsonObject("data").getString("output"));
      // The realm's tokens live 4 s: the connection is closed when its token expires.
      assertEquals(4401, socket.awaitClose(Duration.ofSeconds(20)));
    }
  }

  @Test
  void aWrongAudienceAnotherRealmAndAnExpiredTokenAreRefused() throws Exception {
    String otherAudience = token("portal", "other-app");
    assertTrue(
        !claims(otherAudience).toString().contains("\"agentwire\""),
        claims(otherAudience).toString());
    assertEquals(401, FrameSocket.attempt(base, otherAudience).status(), "wrong audience");
    assertEquals(
        401, FrameSocket.attempt(base, token("other", "portal-web")).status(), "another realm");
    String expiring = token("portal", "portal-web");
    long exp = claims(expiring).getJsonNumber("exp").longValue();
    Await.until(
        () -> System.currentTimeMillis() / 1000 > exp + 1, Duration.ofSeconds(15), "expiry");
    assertEquals(401, FrameSocket.attempt(base, expiring).status(), "expired");
  }

  @Test
  void aKeycloakTokenBuysATicketAndResumesAfterIts4401() throws Exception {
    String token = token("portal", "portal-web");
    HttpResponse<String> issued =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "api/tickets"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, issued.statusCode(), issued.body());
    String ticket;
    try (JsonReader reader = Json.createReader(new StringReader(issued.body()))) {
      ticket = reader.readObject().getString("ticket");
    }
    String lastId;
    String query = "ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
    try (FrameSocket socket = FrameSocket.open(base, query, null, true)) {
      socket.sendText(
          "{\"type\":\"start_run\",\"request_id\":\"r\",\"agent\":\"scripted\",\"input\":"
              + "\"{\\\"steps\\\":[{\\\"think\\\":\\\"hello\\\"}]}\"}");
      lastId =
          socket
              .await(
                  m -> "agent_completed".equals(m.getString("type", null)),
                  Duration.ofSeconds(20),
                  "agent_completed")
              .getString("id");
      assertEquals(4401, socket.awaitClose(Duration.ofSeconds(20)));
    }
    String resume = "last_event_id=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8);
    try (FrameSocket back = FrameSocket.open(base, resume, token("portal", "portal-web"), true)) {
      JsonObject resumed =
          back.await(
              m -> "resumed".equals(m.getString("type", null)), Duration.ofSeconds(20), "resumed");
      assertEquals(0, resumed.getInt("replayed"));
    }
  }
}
