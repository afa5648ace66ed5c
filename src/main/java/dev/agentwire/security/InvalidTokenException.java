package dev.agentwire.security;

/** A token that does not identify a user; the message says why, without echoing the token. */
public class InvalidTokenException extends Exception {

  public InvalidTokenException(String message) {
    super(message);
  }
}
