package dev.agentwire.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Decides who a WebSocket handshake belongs to, from configuration: a JWT (the default), or the
 * principal the container already authenticated. Checked at startup, so a bad secret fails the
 * deployment instead of the first user.
 */
@ApplicationScoped
public class Authenticator {

  private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
  static final Duration DEV_TOKEN_LIFETIME = Duration.ofHours(1);

  @Inject
  @ConfigProperty(name = "agentwire.auth.jwt-secret")
  Optional<String> secret;

  @Inject
  @ConfigProperty(name = "agentwire.auth.mode", defaultValue = "jwt")
  String mode;

  @Inject
  @ConfigProperty(name = "agentwire.dev-mode", defaultValue = "false")
  boolean devMode;

  @Inject
  @ConfigProperty(name = "agentwire.allowed-origins", defaultValue = " ")
  String allowedOrigins;

  private TokenVerifier verifier;
  private OriginPolicy origins;

  void startup(@Observes @Initialized(ApplicationScoped.class) Object context) {
    if (!mode.equals("jwt") && !mode.equals("container")) {
      throw new IllegalStateException(
          "agentwire.auth.mode must be 'jwt' or 'container', not '" + mode + "'");
    }
    origins = new OriginPolicy(allowedOrigins);
    Optional<byte[]> key =
        secret.filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8));
    if (key.isPresent() && key.get().length < TokenVerifier.MIN_SECRET_BYTES) {
      throw new IllegalStateException(
          "agentwire.auth.jwt-secret (AGENTWIRE_AUTH_JWT_SECRET) must be at least "
              + TokenVerifier.MIN_SECRET_BYTES
              + " bytes; it has "
              + key.get().length);
    }
    if (key.isEmpty() && devMode) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      key = Optional.of(random);
      LOG.warning("agentwire.dev-mode is on: using a random JWT secret for this boot only");
    }
    if (key.isEmpty() && mode.equals("jwt")) {
      LOG.warning(
          "agentwire.auth.jwt-secret (AGENTWIRE_AUTH_JWT_SECRET) is not set:"
              + " every WebSocket handshake will be refused with 401");
    }
    verifier = key.map(k -> new TokenVerifier(k, Clock.systemUTC())).orElse(null);
  }

  /** The user of this handshake request, or why there is none. */
  public Principal authenticate(HttpServletRequest request) throws HandshakeRejected {
    if (!origins.allows(request.getHeader("Origin"), request.getScheme(), host(request))) {
      throw new HandshakeRejected(403, "origin not allowed");
    }
    if (mode.equals("container")) {
      Principal principal = request.getUserPrincipal();
      if (principal == null) {
        throw new HandshakeRejected(401, "not authenticated");
      }
      return principal;
    }
    String token = bearerToken(request);
    if (token == null) {
      throw new HandshakeRejected(401, "a bearer token is required");
    }
    if (verifier == null) {
      throw new HandshakeRejected(401, "token authentication is not configured on this server");
    }
    try {
      return new UserPrincipal(verifier.verify(token));
    } catch (InvalidTokenException e) {
      throw new HandshakeRejected(401, e.getMessage());
    }
  }

  /** A development token for {@code user}; present only in dev mode. */
  public Optional<String> devToken(String user) {
    if (!devMode || verifier == null) {
      return Optional.empty();
    }
    return Optional.of(verifier.issue(user, DEV_TOKEN_LIFETIME));
  }

  public boolean devMode() {
    return devMode;
  }

  private static String bearerToken(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    String query = request.getParameter("access_token");
    return query == null || query.isBlank() ? null : query;
  }

  private static String host(HttpServletRequest request) {
    String host = request.getHeader("Host");
    return host != null ? host : request.getServerName() + ":" + request.getServerPort();
  }

  /** A user named by a verified token. */
  record UserPrincipal(String getName) implements Principal {}
}
