package dev.agentwire.agents;

import jakarta.json.JsonValue;

/**
 * How a tool call ended, as reported in {@code tool_completed}.
 *
 * @param result set when {@code status} is {@link ToolStatus#OK}
 * @param error set otherwise
 */
public record ToolOutcome(ToolStatus status, JsonValue result, String error, long durationMs) {

  public boolean ok() {
    return status == ToolStatus.OK;
  }
}
