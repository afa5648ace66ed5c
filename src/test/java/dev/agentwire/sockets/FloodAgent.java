package dev.agentwire.sockets;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A test agent that thinks out loud a lot: input {@code "<count> <chars>"} emits that many thinking
 * events of that size, as fast as it can. Deployed only with the slow-reader test.
 */
@ApplicationScoped
public class FloodAgent implements Agent {

  @Override
  public String name() {
    return "flood";
  }

  @Override
  public String run(AgentContext context) {
    String[] parts = context.input().split(" ");
    int count = Integer.parseInt(parts[0]);
    String text = "x".repeat(Integer.parseInt(parts[1]));
    for (int i = 0; i < count; i++) {
      context.think(text);
    }
    return "flooded";
  }
}
