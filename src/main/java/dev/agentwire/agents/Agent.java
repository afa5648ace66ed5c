package dev.agentwire.agents;

/**
 * An agent AgentWire can run. Implement it as a CDI bean (for example {@code @ApplicationScoped});
 * the container finds it and clients select it by {@link #name()}. One instance serves many runs at
 * once, so keep per-run state in local variables.
 */
public interface Agent {

  /** The name clients pass as {@code agent} in {@code start_run}. */
  String name();

  /**
   * Runs the agent to its answer. Report thinking through {@link AgentContext#think}, call tools
   * through {@link AgentContext#callTool}; return the final output. Throw {@link AgentFailure} to
   * fail with a code of your own; any other exception fails the run with code {@code agent_error}.
   */
  String run(AgentContext context) throws Exception;

  /**
   * Whether clients may start this agent; an agent that needs configuration it lacks (the {@code
   * llm} agent without {@code agentwire.llm.base-url}) says no, and is unknown to clients.
   */
  default boolean enabled() {
    return true;
  }
}
