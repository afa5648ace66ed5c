package dev.agentwire.events;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** The {@code data} payloads of the agent events, one record per event type. */
public final class EventData {

  private EventData() {}

  public record AgentStarted(String agent, String input) {}

  public record AgentThinking(String text) {}

  /** A piece of the answer while the agent writes it (protocol v1.1). */
  public record AgentOutputDelta(String delta) {}

  public record ToolExecuting(String callId, String tool, JsonObject arguments) {}

  /** {@code result} is set when {@code status} is ok, {@code error} otherwise. */
  public record ToolCompleted(
      String callId, String tool, String status, JsonValue result, String error, long durationMs) {

    /** Closes a call that cannot finish any more (its server is gone): status {@code error}. */
    public static ToolCompleted abandoned(String callId, String tool, String why, long durationMs) {
      return new ToolCompleted(callId, tool, "error", null, why, durationMs);
    }
  }

  /**
   * {@code output} is set when succeeded, {@code error} when failed. Every ending of a run is built
   * by one of the factories here, from a {@link RunStatus}.
   */
  public record AgentCompleted(
      String status, String output, Failure error, long durationMs, Usage usage) {

    public AgentCompleted(String status, String output, Failure error, long durationMs) {
      this(status, output, error, durationMs, null);
    }

    /** The same ending, with what the run cost in model tokens. */
    public AgentCompleted withUsage(Usage usage) {
      return new AgentCompleted(status, output, error, durationMs, usage);
    }

    public static AgentCompleted succeeded(String output, long durationMs) {
      return new AgentCompleted(RunStatus.SUCCEEDED.wireName(), output, null, durationMs);
    }

    public static AgentCompleted failed(String code, String message, long durationMs) {
      return new AgentCompleted(
          RunStatus.FAILED.wireName(), null, new Failure(code, message), durationMs);
    }

    public static AgentCompleted cancelled(long durationMs) {
      return new AgentCompleted(RunStatus.CANCELLED.wireName(), null, null, durationMs);
    }
  }

  public record Failure(String code, String message) {}

  /** Model tokens a run used, as its agent reported them: {@code agent_completed}'s usage. */
  public record Usage(long inputTokens, long outputTokens, long totalTokens) {}
}
