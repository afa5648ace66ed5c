package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.agentwire.testing.Tokens;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a handshake request becomes a user, in each mode, from configuration alone. */
class AuthenticatorTest {

  private static Authenticator authenticator(String mode, String secret, boolean devMode) {
    Authenticator authenticator = new Authenticator();
    authenticator.mode = mode;
    authenticator.secret = Optional.ofNullable(secret);
    authenticator.devMode = devMode;
    authenticator.allowedOrigins = " ";
    authenticator.keySetLocation = Optional.empty();
    authenticator.issuer = Optional.empty();
    authenticator.audiences = Optional.empty();
    authenticator.userClaim = "sub";
    authenticator.skewSeconds = 30;
    authenticator.rolesClaim = "groups";
    authenticator.tickets = new ConnectTickets();
    authenticator.startup(new Object());
    return authenticator;
  }

  /** A handshake request with the given headers, query parameters and container principal. */
  private static HttpServletRequest request(
      Map<String, String> headers, Map<String, String> parameters, Principal principal) {
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            AuthenticatorTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getHeader" -> headers.get((String) args[0]);
                  case "getParameter" -> parameters.get((String) args[0]);
                  case "getUserPrincipal" -> principal;
                  case "getScheme" -> "http";
                  case "getServerName" -> "localhost";
                  case "getServerPort" -> 8080;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void containerModeUsesTheContainersPrincipal() throws Exception {
    Principal portalUser = () -> "portal-alice";
    Principal user =
        authenticator("container", null, false)
            .authenticate(request(Map.of(), Map.of(), portalUser));
    assertEquals("portal-alice", user.getName());
  }

  @Test
  void containerModeWithoutAPrincipalIs401EvenWithAToken() {
    HandshakeRejected rejected =
        assertThrows(
            HandshakeRejected.class,
            () ->
                authenticator("container", Tokens.SECRET, false)
                    .authenticate(
                        request(
                            Map.of("Authorization", "Bearer " + Tokens.valid("mallory")),
                            Map.of(),
                            null)));
    assertEquals(401, rejected.status());
  }

  @Test
  void jwtModeIgnoresTheContainersPrincipal() {
    HandshakeRejected rejected =
        assertThrows(
            HandshakeRejected.class,
            () ->
                authenticator("jwt", Tokens.SECRET, false)
                    .authenticate(request(Map.of(), Map.of(), () -> "portal-alice")));
    assertEquals(401, rejected.status());
  }

  @Test
  void theHeaderTokenWinsOverTheQueryToken() throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization", "Bearer " + Tokens.valid("from-header"));
    Principal user =
        authenticator("jwt", Tokens.SECRET, false)
            .authenticate(
                request(headers, Map.of("access_token", Tokens.valid("from-query")), null));
    assertEquals("from-header", user.getName());
  }

  @Test
  void withoutASecretEveryTokenIs401() {
    HandshakeRejected rejected =
        assertThrows(
            HandshakeRejected.class,
            () ->
                authenticator("jwt", null, false)
                    .authenticate(
                        request(
                            Map.of("Authorization", "Bearer " + Tokens.valid("alice")),
                            Map.of(),
                            null)));
    assertEquals(401, rejected.status());
  }

  /** A claim set to JSON null (some providers send them) neither fails nor reaches agents. */
  @Test
  void aClaimThatIsNullIsDroppedNotFatal() throws Exception {
    String token =
        Tokens.signed(
            Tokens.SECRET,
            new JWTClaimsSet.Builder(Tokens.claims("alice", Instant.now().plusSeconds(60)))
                .claim("nickname", null)
                .claim("email", "alice@example.com")
                .build());
    assertTrue(token.split("\\.").length == 3);
    Authenticator.UserPrincipal user =
        (Authenticator.UserPrincipal)
            authenticator("jwt", Tokens.SECRET, false)
                .authenticate(request(Map.of("Authorization", "Bearer " + token), Map.of(), null));
    assertEquals("alice", user.getName());
    assertEquals("alice@example.com", user.claims().get("email"));
    assertFalse(user.claims().containsKey("nickname"));
  }

  @Test
  void aShortSecretFailsAtStartup() {
    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> authenticator("jwt", "too-short", false));
    assertTrue(failure.getMessage().contains("at least 32 bytes"), failure.getMessage());
  }

  @Test
  void anUnknownModeFailsAtStartup() {
    assertThrows(IllegalStateException.class, () -> authenticator("ldap", Tokens.SECRET, false));
  }

  @Test
  void devModeIssuesTokensItAcceptsAndOnlyInDevMode() throws Exception {
    Authenticator dev = authenticator("jwt", null, true);
    String token = dev.devToken("alice").orElseThrow();
    assertEquals(
        "alice",
        dev.authenticate(request(Map.of("Authorization", "Bearer " + token), Map.of(), null))
            .getName());
    assertEquals(Optional.empty(), authenticator("jwt", Tokens.SECRET, false).devToken("alice"));
  }

  /**
   * Dev mode next to a real secret signs its tokens with a key of its own: they work on the dev
   * server, never on a production server with the same secret, and real tokens still work.
   */
  @Test
  void devTokensAreNeverGoodOnAProductionServerWithTheSameSecret() throws Exception {
    Authenticator dev = authenticator("jwt", Tokens.SECRET, true);
    Authenticator production = authenticator("jwt", Tokens.SECRET, false);
    String minted = dev.devToken("mallory").orElseThrow();
    assertEquals(
        "mallory",
        dev.authenticate(request(Map.of("Authorization", "Bearer " + minted), Map.of(), null))
            .getName());
    HandshakeRejected refused =
        assertThrows(
            HandshakeRejected.class,
            () ->
                production.authenticate(
                    request(Map.of("Authorization", "Bearer " + minted), Map.of(), null)));
    assertEquals(401, refused.status());
    assertEquals(
        "alice",
        dev.authenticate(
                request(Map.of("Authorization", "Bearer " + Tokens.valid("alice")), Map.of(), null))
            .getName());
  }
}
