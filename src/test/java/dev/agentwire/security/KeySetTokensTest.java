package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
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
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.agentwire.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tokens from an identity provider's key set, with keys generated here: RS256, PS256 and ES256
 * verify; an unknown key, a wrong signature, HS/RS confusion and {@code none} are refused; issuer,
 * audience, the user claim and expiry are checked; a rotated key is fetched, at a bounded rate.
 */
class KeySetTokensTest {

  private static final byte[] SECRET =
      "a-shared-secret-that-is-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  private static final TokenVerifier.Rules RULES =
      new TokenVerifier.Rules(
          Optional.of("https://idp.example.com/realms/portal"),
          Set.of("agentwire"),
          "sub",
          Duration.ofSeconds(30));

  private final RSAKey rsa = rsa("rsa-1");
  private final ECKey ec = ec("ec-1");

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private TokenVerifier verifier(JWKSet keys) {
    return new TokenVerifier(
        SECRET, new ImmutableJWKSet<>(keys.toPublicJWKSet()), RULES, Clock.systemUTC());
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issuer("https://idp.example.com/realms/portal")
        .audience(List.of("account", "agentwire"))
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private static String sign(JWSAlgorithm algorithm, JWK key, JWSSigner signer, JWTClaimsSet set) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            set);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return jwt.serialize();
  }

  private String rs256(JWTClaimsSet set) throws JOSEException {
    return sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa), set);
  }

  @Test
  void rs256Ps256AndEs256TokensFromTheKeySetVerify() throws Exception {
    TokenVerifier verifier = verifier(new JWKSet(List.of(rsa, ec)));
    assertEquals("alice", verifier.verify(rs256(claims().build())));
    assertEquals(
        "alice",
        verifier.verify(sign(JWSAlgorithm.PS256, rsa, new RSASSASigner(rsa), claims().build())));
    assertEquals(
        "alice",
        verifier.verify(sign(JWSAlgorithm.ES256, ec, new ECDSASigner(ec), claims().build())));
    TokenVerifier.Identity identity = verifier.identify(rs256(claims().build()));
    assertTrue(identity.expiresAt().isAfter(Instant.now()));
  }

  @Test
  void aKeyNotInTheSetOrAWrongSignatureIsRefused() throws Exception {
    TokenVerifier verifier = verifier(new JWKSet(List.of(rsa)));
    RSAKey stranger = rsa("rsa-1"); // same kid, another key
    assertRefused(
        verifier,
        sign(JWSAlgorithm.RS256, stranger, new RSASSASigner(stranger), claims().build()),
        "bad signature or unknown key");
    RSAKey unknown = rsa("rsa-unknown");
    assertRefused(
        verifier,
        sign(JWSAlgorithm.RS256, unknown, new RSASSASigner(unknown), claims().build()),
        "bad signature or unknown key");
  }

  /**
   * The classic confusion: an HS256 token whose "secret" is the provider's public key, which anyone
   * can download. HS256 is checked only against the configured secret, never a public key.
   */
  @Test
  void anHs256TokenSignedWithThePublicKeyIsRefused() throws Exception {
    TokenVerifier verifier = verifier(new JWKSet(List.of(rsa)));
    byte[] publicKey = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    byte[] encoded = rsa.toRSAPublicKey().getEncoded();
    for (byte[] material : List.of(publicKey, encoded)) {
      String forged = sign(JWSAlgorithm.HS256, rsa, new MACSigner(material), claims().build());
      assertRefused(verifier, forged, "bad signature");
    }
    TokenVerifier keySetOnly =
        new TokenVerifier(null, new ImmutableJWKSet<>(new JWKSet(rsa)), RULES, Clock.systemUTC());
    String forged = sign(JWSAlgorithm.HS256, rsa, new MACSigner(encoded), claims().build());
    assertRefused(keySetOnly, forged, "HS256 tokens are not accepted here");
  }

  @Test
  void unsecuredAndOtherAlgorithmsAreRefused() throws Exception {
    TokenVerifier verifier = verifier(new JWKSet(List.of(rsa)));
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String none =
        base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(claims().build().toString().getBytes(StandardCharsets.UTF_8))
            + ".";
    assertRefused(verifier, none, "not a signed JWT");
    String rs512 = sign(JWSAlgorithm.RS512, rsa, new RSASSASigner(rsa), claims().build());
    assertRefused(verifier, rs512, "the algorithm RS512 is not accepted");
  }

  @Test
  void issuerAudienceUserClaimAndExpiryAreChecked() throws Exception {
    TokenVerifier verifier = verifier(new JWKSet(List.of(rsa)));
    assertRefused(
        verifier,
        rs256(claims().issuer("https://idp.example.com/realms/other").build()),
        "wrong issuer");
    assertRefused(verifier, rs256(claims().audience("account").build()), "wrong audience");
    assertRefused(verifier, rs256(claims().audience((String) null).build()), "wrong audience");
    assertRefused(
        verifier,
        rs256(claims().expirationTime(Date.from(Instant.now().minusSeconds(60))).build()),
        "token expired");
    assertRefused(verifier, rs256(claims().expirationTime(null).build()), "exp is required");
    assertRefused(verifier, rs256(claims().subject(null).build()), "sub is required");

    TokenVerifier byEmail =
        new TokenVerifier(
            null,
            new ImmutableJWKSet<>(new JWKSet(rsa)),
            new TokenVerifier.Rules(
                Optional.empty(), Set.of(), "preferred_username", Duration.ofSeconds(30)),
            Clock.systemUTC());
    assertEquals(
        "alice.a", byEmail.verify(rs256(claims().claim("preferred_username", "alice.a").build())));
  }

  /**
   * A rotated key is fetched on first sight of its kid; unknown kids cannot make it fetch often.
   */
  @Test
  void aRotatedKeyIsFetchedAndUnknownKeysAreFetchedAtABoundedRate() throws Exception {
    AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(rsa));
    AtomicInteger fetches = new AtomicInteger();
    HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body =
              published.get().toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    provider.start();
    try {
      var url = URI.create("http://127.0.0.1:" + provider.getAddress().getPort() + "/jwks").toURL();
      TokenVerifier verifier =
          new TokenVerifier(
              null,
              JWKSourceBuilder.<SecurityContext>create(url)
                  .cache(3_600_000, 5_000)
                  .rateLimited(2_000)
                  .retrying(false)
                  .build(),
              RULES,
              Clock.systemUTC());
      assertEquals("alice", verifier.verify(rs256(claims().build())));
      assertEquals("alice", verifier.verify(rs256(claims().build())));
      assertEquals(1, fetches.get(), "the key set is cached");

      RSAKey rotated = rsa("rsa-2");
      published.set(new JWKSet(List.of(rsa, rotated)));
      String fromRotated =
          sign(JWSAlgorithm.RS256, rotated, new RSASSASigner(rotated), claims().build());
      AtomicReference<String> user = new AtomicReference<>();
      // Within the rate limit's interval the key is still unknown: the refetch comes after it.
      Await.until(
          () -> {
            try {
              user.set(verifier.verify(fromRotated));
              return true;
            } catch (InvalidTokenException e) {
              return false;
            }
          },
          Duration.ofSeconds(10),
          "the rotated key fetched");
      assertEquals("alice", user.get(), "the rotated key was fetched");
      int afterRotation = fetches.get();

      RSAKey stranger = rsa("stranger");
      for (int i = 0; i < 50; i++) {
        RSAKey unknown = new RSAKey.Builder(stranger).keyID("unknown-" + i).build();
        assertRefused(
            verifier,
            sign(JWSAlgorithm.RS256, unknown, new RSASSASigner(unknown), claims().build()),
            "bad signature or unknown key");
      }
      assertTrue(
          fetches.get() - afterRotation <= 2,
          "50 unknown kids made " + (fetches.get() - afterRotation) + " fetches");
    } finally {
      provider.stop(0);
    }
  }

  private static void assertRefused(TokenVerifier verifier, String token, String why) {
    InvalidTokenException refused =
        assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
    assertEquals(why, refused.getMessage());
  }
}
