package dev.agentwire.events;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** The {@code data} payloads of the agent events, one record per event type. */
public final class EventData {

  private EventData() {}

  public record AgentStarted(String agent, String input) {}

  public record AgentThinking(String text) {}

  public record ToolExecuting(String callId, String tool, JsonObject arguments) {}

  /** {@code result} is set when {@code status} is ok, {@code error} otherwise. */
  public record ToolCompleted(
      String callId, String tool, String status, JsonValue result, String error, long durationMs) {}

  /** {@code output} is set when succeeded, {@code error} when failed. */
  public record AgentCompleted(String status, String output, Failure error, long durationMs) {}

  public record Failure(String code, String message) {}
}
