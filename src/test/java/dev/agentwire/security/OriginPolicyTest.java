package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Browsers may connect from the server's own origin or a configured one; nothing else. */
class OriginPolicyTest {

  private final OriginPolicy noneConfigured = new OriginPolicy(null);
  private final OriginPolicy configured =
      new OriginPolicy(
          " https://portal.example.com ,http://localhost:3000,, https://Apps.Example.org:8443");

  @Test
  void aHandshakeWithoutOriginIsAllowed() {
    assertTrue(noneConfigured.allows(null, "http", "localhost:8080"));
    assertTrue(configured.allows(null, "https", "agentwire.example.com"));
  }

  @Test
  void theServersOwnOriginIsAllowed() {
    assertTrue(noneConfigured.allows("http://localhost:8080", "http", "localhost:8080"));
    assertTrue(
        noneConfigured.allows("https://agentwire.example.com", "https", "agentwire.example.com"));
  }

  @Test
  void theDefaultPortMayBeWrittenOrLeftOut() {
    assertTrue(noneConfigured.allows("https://example.com", "https", "example.com:443"));
    assertTrue(noneConfigured.allows("https://example.com:443", "https", "example.com"));
    assertTrue(noneConfigured.allows("http://example.com", "http", "example.com:80"));
    assertTrue(noneConfigured.allows("http://example.com:80", "http", "example.com"));
  }

  @Test
  void hostAndSchemeAreComparedWithoutRegardToCase() {
    assertTrue(noneConfigured.allows("https://Example.COM", "https", "example.com"));
    assertTrue(noneConfigured.allows("https://example.com", "HTTPS", "EXAMPLE.com"));
    assertTrue(noneConfigured.allows("HTTP://LOCALHOST:8080", "http", "localhost:8080"));
  }

  @Test
  void configuredOriginsAreAllowed() {
    assertTrue(configured.allows("https://portal.example.com", "http", "localhost:8080"));
    assertTrue(configured.allows("http://localhost:3000", "http", "localhost:8080"));
    assertTrue(configured.allows("https://apps.example.org:8443", "http", "localhost:8080"));
    assertTrue(
        configured.allows("https://portal.example.com:443", "http", "localhost:8080"),
        "a configured origin matches with its default port written out");
  }

  @Test
  void aForeignOriginIsRefused() {
    assertFalse(noneConfigured.allows("https://evil.example", "https", "agentwire.example.com"));
    assertFalse(configured.allows("https://evil.example", "http", "localhost:8080"));
    assertFalse(
        configured.allows("https://portal.example.com.evil.example", "http", "localhost:8080"));
  }

  @Test
  void anotherPortIsAnotherOrigin() {
    assertFalse(noneConfigured.allows("http://localhost:8081", "http", "localhost:8080"));
    assertFalse(noneConfigured.allows("http://localhost", "http", "localhost:8080"));
    assertFalse(configured.allows("http://localhost:3001", "http", "localhost:8080"));
    assertFalse(configured.allows("https://apps.example.org", "http", "localhost:8080"));
  }

  @Test
  void anotherSchemeIsAnotherOrigin() {
    assertFalse(noneConfigured.allows("https://localhost:8080", "http", "localhost:8080"));
    assertFalse(noneConfigured.allows("http://example.com", "https", "example.com"));
    assertFalse(configured.allows("http://portal.example.com", "http", "localhost:8080"));
  }

  @Test
  void theOpaqueNullOriginIsRefused() {
    assertFalse(noneConfigured.allows("null", "http", "localhost:8080"));
    assertFalse(configured.allows("null", "http", "localhost:8080"));
  }

  @Test
  void anEmptyConfigurationAllowsOnlyTheServersOwnOrigin() {
    OriginPolicy empty = new OriginPolicy(" , ");

    assertTrue(empty.allows("http://localhost:8080", "http", "localhost:8080"));
    assertFalse(empty.allows("http://localhost:3000", "http", "localhost:8080"));
    assertFalse(empty.allows("", "http", "localhost:8080"));
  }
}
