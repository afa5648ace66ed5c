package dev.agentwire.agents;

/**
 * What a run cost in model tokens, as the model reported it ({@link AgentContext#usage}); on the
 * wire it is {@code agent_completed}'s {@code data.usage}.
 */
public record TokenUsage(long inputTokens, long outputTokens, long totalTokens) {

  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0 || totalTokens < 0) {
      throw new IllegalArgumentException("token counts are never negative");
    }
  }
}
