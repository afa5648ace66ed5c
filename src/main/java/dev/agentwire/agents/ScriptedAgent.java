package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Plays a {@link Script} given as input, step by step, through the normal tool path: the
 * predictable agent for UI development and tests. Enabled only by {@code
 * agentwire.agents.scripted.enabled=true}.
 */
@ApplicationScoped
public class ScriptedAgent implements Agent {

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public String run(AgentContext context) throws AgentFailure {
    Script script = Script.parse(context.input());
    for (Script.Step step : script.steps()) {
      if (step instanceof Script.Think think) {
        context.think(think.text());
      } else if (step instanceof Script.CallTool call) {
        context.callTool(call.tool(), call.arguments());
      } else if (step instanceof Script.Fail fail) {
        throw new AgentFailure("agent_error", fail.message());
      }
    }
    return script.output();
  }
}
