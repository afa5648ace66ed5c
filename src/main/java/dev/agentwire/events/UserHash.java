package dev.agentwire.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How logs name a user: the first 12 hex digits of the SHA-256 of the user id, never the id itself
 * (it may be an e-mail address). The same user always hashes alike, so an operator can follow one
 * user through the log, and find theirs by hashing the id they were given.
 */
public final class UserHash {

  private UserHash() {}

  public static String of(String user) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
