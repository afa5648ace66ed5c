package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Always fails with the given message: the scripted agent's way to show a failing tool. */
@ApplicationScoped
public class FailTool implements Tool {

  private static final JsonObject PARAMETERS =
      Schemas.object("message", Schemas.string("the error message"), false);

  @Override
  public String description() {
    return "Always fails with the given message (for demonstrations and tests).";
  }

  @Override
  public JsonObject parameters() {
    return PARAMETERS;
  }

  @Override
  public String name() {
    return "fail";
  }

  @Override
  public JsonValue call(JsonObject arguments) {
    throw new IllegalStateException(arguments.getString("message", "tool failed"));
  }
}
