package dev.agentwire.sockets;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A test agent that thinks out loud a lot: input {@code "<count> <chars> [pauseMillis]"} emits that
 * many thinking events of that size, with the pause (if any) between two events. Paced, the flood
 * lasts long enough for a test that samples from outside to see what it causes. Deployed only with
 * the slow-reader test.
 */
@ApplicationScoped
public class FloodAgent implements Agent {

  @Override
  public String name() {
    return "flood";
  }

  @Override
  public String run(AgentContext context) throws InterruptedException {
    String[] parts = context.input().split(" ");
    int count = Integer.parseInt(parts[0]);
    String text = "x".repeat(Integer.parseInt(parts[1]));
    long pauseMillis = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
    for (int i = 0; i < count; i++) {
      context.think(text);
      if (pauseMillis > 0) {
        Thread.sleep(pauseMillis);
      }
    }
    return "flooded";
  }
}
