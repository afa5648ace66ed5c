package dev.agentwire.sockets;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The replies of protocol v1 (agent events are {@link EventFrame}s). */
public final class ServerMessages {

  private ServerMessages() {}

  @JsonbPropertyOrder({"type", "requestId", "runId", "threadId"})
  public record RunAccepted(String type, String requestId, String runId, String threadId) {
    RunAccepted(String requestId, String runId, String threadId) {
      this("run_accepted", requestId, runId, threadId);
    }
  }

  @JsonbPropertyOrder({"type", "requestId"})
  public record Pong(String type, String requestId) {
    Pong(String requestId) {
      this("pong", requestId);
    }
  }

  @JsonbPropertyOrder({"type", "requestId", "code", "message"})
  public record ErrorReply(String type, String requestId, String code, String message) {
    ErrorReply(String requestId, String code, String message) {
      this("error", requestId, code, message);
    }
  }

  @JsonbPropertyOrder({"type", "replayed"})
  public record Resumed(String type, int replayed) {
    Resumed(int replayed) {
      this("resumed", replayed);
    }
  }

  @JsonbPropertyOrder({"type", "reason"})
  public record ResumeFailed(String type, String reason) {
    ResumeFailed(String reason) {
      this("resume_failed", reason);
    }
  }
}
