package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Returns its arguments: the scripted agent's way to show a successful tool call. */
@ApplicationScoped
public class EchoTool implements Tool {

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public JsonValue call(JsonObject arguments) {
    return arguments;
  }
}
