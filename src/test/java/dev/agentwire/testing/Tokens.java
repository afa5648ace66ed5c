package dev.agentwire.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Mints tokens the way an identity provider would, for tests. */
public final class Tokens {

  public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long";

  private Tokens() {}

  public static String valid(String user) {
    return signed(SECRET, claims(user, Instant.now().plus(Duration.ofMinutes(10))));
  }

  public static String expired(String user) {
    return signed(SECRET, claims(user, Instant.now().minus(Duration.ofMinutes(5))));
  }

  public static String signedWith(String secret, String user) {
    return signed(secret, claims(user, Instant.now().plus(Duration.ofMinutes(10))));
  }

  public static String withoutSubject() {
    return signed(
        SECRET,
        new JWTClaimsSet.Builder()
            .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
            .build());
  }

  public static String withoutExpiry(String user) {
    return signed(SECRET, new JWTClaimsSet.Builder().subject(user).build());
  }

  /** An unsecured JWT ({@code alg: none}) that names a user but proves nothing. */
  public static String unsigned(String user) {
    String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload =
        base64(
            "{\"sub\":\""
                + user
                + "\",\"exp\":"
                + Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond()
                + "}");
    return header + "." + payload + ".";
  }

  public static JWTClaimsSet claims(String user, Instant expiry) {
    return new JWTClaimsSet.Builder().subject(user).expirationTime(Date.from(expiry)).build();
  }

  public static String signed(String secret, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static String base64(String json) {
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
