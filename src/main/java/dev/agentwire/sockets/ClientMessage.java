package dev.agentwire.sockets;

/** The messages a client may send, as parsed by {@link WireFormat#read}. */
sealed interface ClientMessage {

  String requestId();

  record StartRun(String requestId, String input, String threadId, String agent)
      implements ClientMessage {}

  record CancelRun(String requestId, String runId) implements ClientMessage {}

  record Ping(String requestId) implements ClientMessage {}
}
