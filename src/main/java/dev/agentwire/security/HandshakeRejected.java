package dev.agentwire.security;

/** Why a handshake is refused, as an HTTP status and a short reason for the client. */
public class HandshakeRejected extends Exception {

  private final int status;

  public HandshakeRejected(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
