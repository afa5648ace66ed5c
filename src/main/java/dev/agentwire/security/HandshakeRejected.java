package dev.agentwire.security;

/** Why a handshake is refused, as an HTTP status and a short reason for the client. */
public class HandshakeRejected extends Exception {

  private final int status;
  private final long retryAfterSeconds;

  public HandshakeRejected(int status, String reason) {
    this(status, reason, 0);
  }

  /**
   * @param retryAfterSeconds when a retry may succeed, sent as {@code Retry-After}; 0 for never
   */
  public HandshakeRejected(int status, String reason, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
