package dev.agentwire.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentwire.events.Utf8;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Checks HS256 JWTs as protocol v1 requires (signature, {@code exp} and {@code nbf} with 30 s of
 * skew, non-empty {@code sub}) and issues them for development. Nimbus JOSE does the cryptography.
 */
public final class TokenVerifier {

  public static final int MIN_SECRET_BYTES = 32;
  static final Duration SKEW = Duration.ofSeconds(30);
  static final int MAX_SUBJECT_LENGTH = 256;

  private final byte[] secret;
  private final MACVerifier verifier;
  private final Clock clock;

  public TokenVerifier(byte[] secret, Clock clock) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.secret = secret.clone();
    this.clock = clock;
    try {
      this.verifier = new MACVerifier(this.secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable JWT secret: " + e.getMessage(), e);
    }
  }

  /** The user the token names; throws saying what is wrong with it. */
  public String verify(String token) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a signed JWT");
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("only HS256 tokens are accepted");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("bad signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("bad signature");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("unreadable claims");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException("exp is required");
    }
    if (!now.isBefore(exp.toInstant().plus(SKEW))) {
      throw new InvalidTokenException("token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(SKEW))) {
      throw new InvalidTokenException("token not valid yet");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException("sub is required");
    }
    if (subject.length() > MAX_SUBJECT_LENGTH) {
      throw new InvalidTokenException("sub is longer than " + MAX_SUBJECT_LENGTH + " characters");
    }
    if (!Utf8.isWellFormed(subject)) {
      // The user id keys the user's streams and travels through logs and the cluster log.
      throw new InvalidTokenException("sub is not valid Unicode text");
    }
    return subject;
  }

  /** An HS256 token for {@code subject}, valid for {@code lifetime}. */
  public String issue(String subject, Duration lifetime) {
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
