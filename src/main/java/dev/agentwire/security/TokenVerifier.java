package dev.agentwire.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.agentwire.events.Utf8;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks bearer tokens: HS256 with a shared secret, and RS256, PS256 and ES256 against the keys of
 * the customer's identity provider (a JSON Web Key Set, fetched and cached by Nimbus JOSE, which
 * does all the cryptography). Each algorithm has exactly one source of keys: an HS256 token is only
 * ever checked with the secret, an RS/PS/ES token only with the key set's public keys, so a token
 * cannot pass one off as the other; {@code none} and every other algorithm are refused. Then the
 * claims: {@code exp} required and {@code nbf} honoured, with the configured skew; {@code iss}
 * equal to the configured issuer, {@code aud} holding one of the configured audiences, when those
 * are set; the user claim ({@code sub} unless configured) a non-empty string of valid Unicode.
 */
public final class TokenVerifier {

  private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());

  public static final int MIN_SECRET_BYTES = 32;
  static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
  static final int MAX_SUBJECT_LENGTH = 256;
  static final Set<JWSAlgorithm> KEY_SET_ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

  /** What a token must say besides its signature. */
  public record Rules(
      Optional<String> issuer, Set<String> audiences, String userClaim, Duration skew) {

    /** Protocol v1's rules: no issuer or audience required, the user in {@code sub}, 30 s. */
    public static Rules defaults() {
      return new Rules(Optional.empty(), Set.of(), "sub", DEFAULT_SKEW);
    }
  }

  /** Who a valid token names, until when, and everything it says. */
  public record Identity(String user, Instant expiresAt, JWTClaimsSet claims) {

    /**
     * The roles the claim at {@code path} lists: a JSON array of strings or one string; a dotted
     * path ({@code realm_access.roles}, as Keycloak puts them) reaches into objects. Empty when the
     * token has no such claim.
     */
    public Set<String> roles(String path) {
      Object value = claims.getClaims();
      for (String step : path.split("\\.")) {
        value = value instanceof Map<?, ?> object ? object.get(step) : null;
      }
      Set<String> roles = new LinkedHashSet<>();
      if (value instanceof String one) {
        roles.add(one);
      } else if (value instanceof Collection<?> many) {
        many.stream().filter(String.class::isInstance).map(String.class::cast).forEach(roles::add);
      }
      return Set.copyOf(roles);
    }
  }

  private final byte[] secret;
  private final MACVerifier macVerifier;
  private final DefaultJWTProcessor<SecurityContext> keySetProcessor;
  private final Rules rules;
  private final Clock clock;

  /**
   * @param secret the HS256 secret, or null for none
   * @param keys the identity provider's key set, or null for none
   */
  public TokenVerifier(byte[] secret, JWKSource<SecurityContext> keys, Rules rules, Clock clock) {
    if (secret == null && keys == null) {
      throw new IllegalArgumentException("a secret or a key set is required");
    }
    if (secret != null && secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.secret = secret == null ? null : secret.clone();
    this.rules = rules;
    this.clock = clock;
    try {
      this.macVerifier = secret == null ? null : new MACVerifier(this.secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable JWT secret: " + e.getMessage(), e);
    }
    if (keys == null) {
      this.keySetProcessor = null;
    } else {
      keySetProcessor = new DefaultJWTProcessor<>();
      keySetProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(KEY_SET_ALGORITHMS, keys));
      keySetProcessor.setJWTClaimsSetVerifier((claims, context) -> {}); // checked below, alike
    }
  }

  /** An HS256-only verifier with protocol v1's rules. */
  public TokenVerifier(byte[] secret, Clock clock) {
    this(secret, null, Rules.defaults(), clock);
  }

  /** The user the token names; throws saying what is wrong with it. */
  public String verify(String token) throws InvalidTokenException {
    return identify(token).user();
  }

  /** Who the token names, and until when; throws saying what is wrong with it. */
  public Identity identify(String token) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a signed JWT");
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    JWTClaimsSet claims;
    if (JWSAlgorithm.HS256.equals(algorithm)) {
      if (macVerifier == null) {
        throw new InvalidTokenException("HS256 tokens are not accepted here");
      }
      claims = verifyWithSecret(jwt);
    } else if (KEY_SET_ALGORITHMS.contains(algorithm)) {
      if (keySetProcessor == null) {
        throw new InvalidTokenException("only HS256 tokens are accepted");
      }
      claims = verifyWithKeySet(jwt);
    } else if (keySetProcessor == null) {
      throw new InvalidTokenException("only HS256 tokens are accepted");
    } else {
      throw new InvalidTokenException("the algorithm " + algorithm + " is not accepted");
    }
    return check(claims);
  }

  private JWTClaimsSet verifyWithSecret(SignedJWT jwt) throws InvalidTokenException {
    try {
      if (!jwt.verify(macVerifier)) {
        throw new InvalidTokenException("bad signature");
      }
      return jwt.getJWTClaimsSet();
    } catch (JOSEException e) {
      throw new InvalidTokenException("bad signature");
    } catch (ParseException e) {
      throw new InvalidTokenException("unreadable claims");
    }
  }

  private JWTClaimsSet verifyWithKeySet(SignedJWT jwt) throws InvalidTokenException {
    try {
      return keySetProcessor.process(jwt, null);
    } catch (BadJOSEException | RateLimitReachedException e) {
      // No key of the set matches (an unknown kid, and no refetch due yet) or a wrong signature.
      throw new InvalidTokenException("bad signature or unknown key");
    } catch (JOSEException e) {
      // The provider's key set could not be fetched: the server's problem, not the client's.
      LOG.log(Level.WARNING, "the identity provider's key set could not be read", e);
      throw new InvalidTokenException("the identity provider's keys could not be read");
    }
  }

  private Identity check(JWTClaimsSet claims) throws InvalidTokenException {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException("exp is required");
    }
    if (!now.isBefore(exp.toInstant().plus(rules.skew()))) {
      throw new InvalidTokenException("token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(rules.skew()))) {
      throw new InvalidTokenException("token not valid yet");
    }
    if (rules.issuer().isPresent() && !rules.issuer().get().equals(claims.getIssuer())) {
      throw new InvalidTokenException("wrong issuer");
    }
    if (!rules.audiences().isEmpty()) {
      List<String> audience = claims.getAudience();
      if (audience == null || audience.stream().noneMatch(rules.audiences()::contains)) {
        throw new InvalidTokenException("wrong audience");
      }
    }
    Object named = claims.getClaim(rules.userClaim());
    if (!(named instanceof String user) || user.isBlank()) {
      throw new InvalidTokenException(rules.userClaim() + " is required");
    }
    if (user.length() > MAX_SUBJECT_LENGTH) {
      throw new InvalidTokenException(
          rules.userClaim() + " is longer than " + MAX_SUBJECT_LENGTH + " characters");
    }
    if (!Utf8.isWellFormed(user)) {
      // The user id keys the user's streams and travels through logs and the cluster log.
      throw new InvalidTokenException(rules.userClaim() + " is not valid Unicode text");
    }
    return new Identity(user, exp.toInstant(), claims);
  }

  /** Whether HS256 tokens can be checked (and issued). */
  public boolean hasSecret() {
    return secret != null;
  }

  /** An HS256 token for {@code subject}, valid for {@code lifetime}, signed with the secret. */
  public String issue(String subject, Duration lifetime) {
    if (secret == null) {
      throw new IllegalStateException("no secret to sign with");
    }
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a token", e);
    }
    return jwt.serialize();
  }
}
