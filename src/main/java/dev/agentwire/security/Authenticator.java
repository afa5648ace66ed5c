package dev.agentwire.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  @Inject ConnectTickets tickets;

  /** The identity provider's JSON Web Key Set: an https (or file) URL. MicroProfile JWT's name. */
  @Inject
  @ConfigProperty(name = "mp.jwt.verify.publickey.location")
  Optional<String> keySetLocation;

  @Inject
  @ConfigProperty(name = "mp.jwt.verify.issuer")
  Optional<String> issuer;

  /** Comma-separated; a token's {@code aud} must hold one of them when set. */
  @Inject
  @ConfigProperty(name = "mp.jwt.verify.audiences")
  Optional<String> audiences;

  @Inject
  @ConfigProperty(name = "agentwire.auth.user-claim", defaultValue = "sub")
  String userClaim;

  @Inject
  @ConfigProperty(name = "agentwire.auth.clock-skew-seconds", defaultValue = "30")
  long skewSeconds;

  /**
   * The claim that lists the user's roles: a list or a string; a dotted path reaches into objects.
   */
  @Inject
  @ConfigProperty(name = "agentwire.auth.roles-claim", defaultValue = "groups")
  String rolesClaim;

  /** How long fetched keys are kept, and the least time between two fetches (unknown kid). */
  @Inject
  @ConfigProperty(name = "agentwire.auth.jwks.cache-ms", defaultValue = "3600000")
  long keySetCacheMs;

  @Inject
  @ConfigProperty(name = "agentwire.auth.jwks.min-refetch-ms", defaultValue = "30000")
  long keySetMinRefetchMs;

  @Inject
  @ConfigProperty(name = "agentwire.dev-mode", defaultValue = "false")
  boolean devMode;

  @Inject
  @ConfigProperty(name = "agentwire.allowed-origins", defaultValue = " ")
  String allowedOrigins;

  private TokenVerifier verifier;
  private TokenVerifier devTokens;
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
    JWKSource<SecurityContext> keys = keySet().orElse(null);
    if (devMode) {
      // Dev tokens are signed with a key of this boot's own, never with the configured secret: a
      // token minted here is good on this server only, while dev mode is on, and never on a
      // production server that shares the secret.
      byte[] own = new byte[32];
      new SecureRandom().nextBytes(own);
      devTokens = new TokenVerifier(own, Clock.systemUTC());
      LOG.warning(
          key.isPresent() || keys != null
              ? "agentwire.dev-mode is on next to a real secret or key set: anyone can get a token"
                  + " for any user from /api/dev/token, good on this server until it stops."
                  + " Never run dev mode in production"
              : "agentwire.dev-mode is on: /api/dev/token issues tokens for any user, signed with"
                  + " a key of this boot's own");
    }
    if (key.isEmpty() && keys == null && devTokens == null && mode.equals("jwt")) {
      LOG.warning(
          "neither agentwire.auth.jwt-secret (AGENTWIRE_AUTH_JWT_SECRET) nor"
              + " mp.jwt.verify.publickey.location is set: every WebSocket handshake will be"
              + " refused with 401");
    }
    TokenVerifier.Rules rules =
        new TokenVerifier.Rules(
            issuer.filter(s -> !s.isBlank()),
            audiences.map(Authenticator::commaSeparated).orElse(Set.of()),
            userClaim,
            Duration.ofSeconds(skewSeconds));
    verifier =
        key.isEmpty() && keys == null
            ? null
            : new TokenVerifier(key.orElse(null), keys, rules, Clock.systemUTC());
  }

  /** The identity provider's keys, fetched when first needed and cached, if configured. */
  private Optional<JWKSource<SecurityContext>> keySet() {
    Optional<String> location = keySetLocation.filter(s -> !s.isBlank());
    if (location.isEmpty()) {
      return Optional.empty();
    }
    URL url;
    try {
      url = URI.create(location.get().trim()).toURL();
    } catch (IllegalArgumentException | MalformedURLException e) {
      throw new IllegalStateException(
          "mp.jwt.verify.publickey.location must be a URL (https://…/jwks or file:…), not "
              + location.get(),
          e);
    }
    LOG.info("tokens signed with RS256, PS256 or ES256 are checked against the key set at " + url);
    return Optional.of(
        JWKSourceBuilder.<SecurityContext>create(url)
            .cache(keySetCacheMs, 15_000)
            .rateLimited(keySetMinRefetchMs)
            .retrying(false)
            .build());
  }

  /** A token's claims as a caller carries them: a claim set to JSON null is as good as absent. */
  private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
    Map<String, Object> present = new LinkedHashMap<>();
    claims.forEach(
        (name, value) -> {
          if (value != null) {
            present.put(name, value);
          }
        });
    return present;
  }

  private static Set<String> commaSeparated(String list) {
    Set<String> values = new LinkedHashSet<>();
    for (String value : list.split(",")) {
      if (!value.isBlank()) {
        values.add(value.trim());
      }
    }
    return Set.copyOf(values);
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
    String ticket = request.getParameter("ticket");
    if (ticket != null && request.getHeader("Authorization") == null) {
      return tickets
          .redeem(ticket)
          .orElseThrow(() -> new HandshakeRejected(401, "ticket unknown, used or expired"));
    }
    return verified(bearerToken(request));
  }

  /** The user of an {@code Authorization: Bearer} header's token (for the ticket endpoint). */
  public UserPrincipal authenticateBearer(String authorization) throws HandshakeRejected {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new HandshakeRejected(401, "a bearer token is required");
    }
    String token = authorization.substring(7).trim();
    return verified(token.isEmpty() ? null : token);
  }

  private UserPrincipal verified(String token) throws HandshakeRejected {
    if (token == null) {
      throw new HandshakeRejected(401, "a bearer token is required");
    }
    if (verifier == null && devTokens == null) {
      throw new HandshakeRejected(401, "token authentication is not configured on this server");
    }
    InvalidTokenException refused = null;
    for (TokenVerifier candidate : new TokenVerifier[] {verifier, devTokens}) {
      if (candidate == null) {
        continue;
      }
      try {
        TokenVerifier.Identity identity = candidate.identify(token);
        return new UserPrincipal(
            identity.user(),
            identity.expiresAt(),
            identity.roles(rolesClaim),
            withoutNulls(identity.claims().getClaims()));
      } catch (InvalidTokenException e) {
        refused = refused == null ? e : refused; // the real verifier's reason comes first
      }
    }
    throw new HandshakeRejected(401, refused.getMessage());
  }

  /** A development token for {@code user}; present only in dev mode. */
  public Optional<String> devToken(String user) {
    if (!devMode || devTokens == null) {
      return Optional.empty();
    }
    return Optional.of(devTokens.issue(user, DEV_TOKEN_LIFETIME));
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

  /**
   * A user named by a verified token, which is good until {@code expiresAt}, with the roles its
   * roles claim gives and all its claims.
   */
  public record UserPrincipal(
      String getName, Instant expiresAt, Set<String> roles, Map<String, Object> claims)
      implements Principal {

    public UserPrincipal(String getName, Instant expiresAt) {
      this(getName, expiresAt, Set.of(), Map.of());
    }
  }
}
