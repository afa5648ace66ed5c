package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;

/** Evaluates {@code expression} with {@link Arithmetic}. */
@ApplicationScoped
public class CalculatorTool implements Tool {

  private static final JsonObject PARAMETERS =
      Schemas.object(
          "expression", Schemas.string("the expression, for example (17 * 23) + 4"), true);

  /** Made once: each {@code Json.createObjectBuilder} would look the JSON-P provider up again. */
  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

  @Override
  public String description() {
    return "Evaluates an arithmetic expression exactly: + - * / % ^ and parentheses, on integers and"
        + " decimals. Use it for any calculation instead of computing in your head.";
  }

  @Override
  public JsonObject parameters() {
    return PARAMETERS;
  }

  @Override
  public String name() {
    return "calculator";
  }

  @Override
  public JsonValue call(JsonObject arguments) {
    if (!(arguments.get("expression") instanceof JsonString expression)) {
      throw new IllegalArgumentException("expression must be a string");
    }
    return JSON.createObjectBuilder()
        .add("expression", expression.getString())
        .add("value", Arithmetic.evaluate(expression.getString()))
        .build();
  }
}
