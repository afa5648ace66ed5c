package dev.agentwire.agents;

import jakarta.json.JsonObject;

/** What an agent sees of its run: the input, and the ways to report and to act. */
public interface AgentContext {

  String input();

  String runId();

  String threadId();

  /** Reports one step of visible reasoning ({@code agent_thinking}). */
  void think(String text);

  /**
   * Reports a piece of the answer as the agent writes it ({@code agent_output_delta}). An agent
   * that streams its answer returns, from {@link Agent#run}, the concatenation of its deltas: that
   * is the run's {@code output}. Empty pieces are not reported.
   */
  void output(String delta);

  /**
   * Records what the run cost in model tokens; {@code agent_completed} then carries it as {@code
   * usage}. The last report wins; a run that never reports has none.
   */
  default void usage(TokenUsage usage) {}

  /**
   * Calls a tool through the dispatcher, which reports {@code tool_executing} and {@code
   * tool_completed}, enforces the tool's time limit and turns its exceptions into an error outcome.
   *
   * @throws RunCancelledException when the run is cancelled before or during the call
   */
  ToolOutcome callTool(String tool, JsonObject arguments);

  /** Who started the run: name, roles and the claims of their token (on-behalf-of calls). */
  Caller caller();

  /** Whether the user has cancelled this run; long-running agents should check it between steps. */
  boolean isCancelled();
}
