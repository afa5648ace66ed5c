package dev.agentwire.security;

/** Why a handshake is refused, as an HTTP status and a short reason for the client. */
public class HandshakeRejected extends Exception {

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  /** A refusal of who is asking: 401 unauthenticated, 403 an origin not allowed. */
  public HandshakeRejected(int status, String reason) {
    this(status, status == 403 ? "origin" : "unauthenticated", reason, 0);
  }

  /**
   * @param code why, for operators: the label of the refusal in the metrics
   * @param retryAfterSeconds when a retry may succeed, sent as {@code Retry-After}; 0 for never
   */
  public HandshakeRejected(int status, String code, String reason, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Why, as a short code: unauthenticated, origin, handshake_rate, user_connections, server_full.
   */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
