package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Logs name users by a stable hash that does not reveal them. */
class UserHashTest {

  @Test
  void theSameUserHashesAlikeAndOthersDifferAndTheIdIsNotInIt() {
    String hash = UserHash.of("alice@example.com");
    assertEquals(hash, UserHash.of("alice@example.com"));
    assertNotEquals(hash, UserHash.of("alice@example.org"));
    assertTrue(hash.matches("[0-9a-f]{12}"), hash);
    assertFalse(hash.contains("alice"));
    assertEquals(sha("alice@example.com"), hash, "the first 12 hex digits of its SHA-256");
  }

  private static String sha(String text) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
