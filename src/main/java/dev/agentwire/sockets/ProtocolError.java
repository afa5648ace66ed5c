package dev.agentwire.sockets;

/** A client message the server cannot act on, with the error code and the request id if known. */
final class ProtocolError extends Exception {

  private final String code;
  private final String requestId;

  ProtocolError(String code, String requestId, String message) {
    super(message, null, false, false);
    this.code = code;
    this.requestId = requestId;
  }

  String code() {
    return code;
  }

  String requestId() {
    return requestId;
  }
}
