package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** Only an unexpired HS256 token signed with our secret and naming a user identifies anyone. */
class TokenVerifierTest {

  private static final byte[] SECRET =
      "a-secret-of-exactly-forty-bytes-long!!!!".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-26T04:12:49Z");

  private final TokenVerifier verifier =
      new TokenVerifier(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

  private static JWTClaimsSet.Builder claims(String subject, Instant expiry) {
    return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expiry));
  }

  private static String signed(JWSAlgorithm algorithm, byte[] secret, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static String signed(JWTClaimsSet claims) {
    return signed(JWSAlgorithm.HS256, SECRET, claims);
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private String rejection(String token) {
    return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).getMessage();
  }

  @Test
  void aGoodTokenNamesItsSubject() throws InvalidTokenException {
    String token = signed(claims("ada", NOW.plus(Duration.ofMinutes(10))).build());

    assertEquals("ada", verifier.verify(token));
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRejected() {
    byte[] other = "another-secret-that-is-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
    String token =
        signed(JWSAlgorithm.HS256, other, claims("ada", NOW.plus(Duration.ofMinutes(10))).build());

    assertEquals("bad signature", rejection(token));
  }

  @Test
  void aTamperedPayloadIsRejected() {
    String token = signed(claims("ada", NOW.plus(Duration.ofMinutes(10))).build());
    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + base64("{\"sub\":\"root\",\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}")
            + "."
            + parts[2];

    assertEquals("bad signature", rejection(forged));
  }

  @Test
  void anUnsignedAlgNoneTokenIsRejected() {
    String token =
        base64("{\"alg\":\"none\",\"typ\":\"JWT\"}")
            + "."
            + base64("{\"sub\":\"ada\",\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}")
            + ".";

    assertEquals("not a signed JWT", rejection(token));
  }

  @Test
  void anHs256HeaderWithAnEmptySignatureIsRejected() {
    String token =
        base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")
            + "."
            + base64("{\"sub\":\"ada\",\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}")
            + ".";

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void onlyHs256IsAcceptedEvenWithTheRightSecret() {
    // HS512 needs a 64-byte key, so this verifier gets one and the token is signed with the same.
    byte[] longSecret = "0123456789abcdef".repeat(4).getBytes(StandardCharsets.UTF_8);
    TokenVerifier strict = new TokenVerifier(longSecret, Clock.fixed(NOW, ZoneOffset.UTC));
    String hs512 =
        signed(
            JWSAlgorithm.HS512,
            longSecret,
            claims("ada", NOW.plus(Duration.ofMinutes(10))).build());

    InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> strict.verify(hs512));
    assertEquals("only HS256 tokens are accepted", e.getMessage());
  }

  @Test
  void aTokenExpiredLongerThanTheSkewIsRejected() {
    assertEquals(
        "token expired",
        rejection(signed(claims("ada", NOW.minus(Duration.ofSeconds(31))).build())));
    assertEquals(
        "token expired",
        rejection(signed(claims("ada", NOW.minus(Duration.ofMinutes(5))).build())));
  }

  @Test
  void aTokenExpiredExactlyTheSkewAgoIsRejected() {
    assertEquals(
        "token expired",
        rejection(signed(claims("ada", NOW.minus(Duration.ofSeconds(30))).build())));
  }

  @Test
  void aTokenExpiredWithinTheSkewIsAccepted() throws InvalidTokenException {
    String token = signed(claims("ada", NOW.minus(Duration.ofSeconds(10))).build());

    assertEquals("ada", verifier.verify(token));
  }

  @Test
  void expiryIsRequired() {
    assertEquals(
        "exp is required", rejection(signed(new JWTClaimsSet.Builder().subject("ada").build())));
  }

  @Test
  void subjectIsRequired() {
    assertEquals(
        "sub is required",
        rejection(
            signed(
                new JWTClaimsSet.Builder()
                    .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))))
                    .build())));
  }

  @Test
  void aBlankSubjectIsRejected() {
    assertEquals("sub is required", rejection(signed(claims("", NOW.plusSeconds(600)).build())));
    assertEquals("sub is required", rejection(signed(claims("   ", NOW.plusSeconds(600)).build())));
  }

  @Test
  void aSubjectLongerThan256CharactersIsRejected() throws InvalidTokenException {
    String longest = "u".repeat(256);

    assertEquals(longest, verifier.verify(signed(claims(longest, NOW.plusSeconds(600)).build())));
    assertEquals(
        "sub is longer than 256 characters",
        rejection(signed(claims(longest + "u", NOW.plusSeconds(600)).build())));
  }

  @Test
  void aTokenNotValidForTwoMoreMinutesIsRejected() {
    String token =
        signed(
            claims("ada", NOW.plus(Duration.ofMinutes(10)))
                .notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(2))))
                .build());

    assertEquals("token not valid yet", rejection(token));
  }

  @Test
  void aNotBeforeWithinTheSkewIsAccepted() throws InvalidTokenException {
    String token =
        signed(
            claims("ada", NOW.plus(Duration.ofMinutes(10)))
                .notBeforeTime(Date.from(NOW.plusSeconds(10)))
                .build());

    assertEquals("ada", verifier.verify(token));
  }

  @Test
  void garbageIsNotAToken() {
    assertEquals("not a signed JWT", rejection("not-a-token"));
    assertEquals("not a signed JWT", rejection("a.b.c"));
    assertEquals("not a signed JWT", rejection(""));
  }

  @Test
  void aSecretShorterThan32BytesIsRefused() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(new byte[31], clock));

    assertEquals("the JWT secret must be at least 32 bytes", e.getMessage());
    assertEquals(
        "exp is required",
        assertThrows(
                InvalidTokenException.class,
                () ->
                    new TokenVerifier(new byte[32], clock)
                        .verify(
                            signed(
                                JWSAlgorithm.HS256,
                                new byte[32],
                                new JWTClaimsSet.Builder().subject("ada").build())))
            .getMessage(),
        "a 32-byte secret is accepted and verifies signatures");
  }

  @Test
  void anIssuedTokenVerifies() throws InvalidTokenException {
    String token = verifier.issue("grace", Duration.ofMinutes(5));

    assertEquals("grace", verifier.verify(token));
  }

  @Test
  void anIssuedTokenExpiresAfterItsLifetimeAndTheSkew() throws InvalidTokenException {
    String token = verifier.issue("grace", Duration.ofMinutes(5));
    TokenVerifier later =
        new TokenVerifier(SECRET, Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
    TokenVerifier justWithinSkew =
        new TokenVerifier(
            SECRET, Clock.fixed(NOW.plus(Duration.ofSeconds(5 * 60 + 29)), ZoneOffset.UTC));

    assertEquals("grace", justWithinSkew.verify(token));
    assertEquals(
        "token expired",
        assertThrows(InvalidTokenException.class, () -> later.verify(token)).getMessage());
  }

  @Test
  void anIssuedTokenIsAnHs256JwtWithTheClaimsAsked() throws Exception {
    SignedJWT jwt = SignedJWT.parse(verifier.issue("grace", Duration.ofMinutes(5)));

    assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
    assertEquals("grace", jwt.getJWTClaimsSet().getSubject());
    assertEquals(Date.from(NOW), jwt.getJWTClaimsSet().getIssueTime());
    assertEquals(
        Date.from(NOW.plus(Duration.ofMinutes(5))), jwt.getJWTClaimsSet().getExpirationTime());
  }

  @Test
  void aTokenIssuedWithAnotherSecretIsRejected() {
    TokenVerifier other =
        new TokenVerifier(
            "yet-another-secret-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8),
            Clock.fixed(NOW, ZoneOffset.UTC));
    String token = other.issue("grace", Duration.ofMinutes(5));

    assertNotEquals(token, verifier.issue("grace", Duration.ofMinutes(5)));
    assertEquals("bad signature", rejection(token));
  }
}
