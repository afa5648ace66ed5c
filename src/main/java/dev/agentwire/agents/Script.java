package dev.agentwire.agents;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The input of the {@code scripted} agent: a list of steps and an output. Parsed and checked whole
 * before the first step runs, so a bad script fails the run without doing half of it.
 */
public record Script(List<Step> steps, String output) {

  /** One step: exactly one of think, tool (with arguments) or fail. */
  public sealed interface Step {}

  public record Think(String text) implements Step {}

  public record CallTool(String tool, JsonObject arguments) implements Step {}

  public record Fail(String message) implements Step {}

  private static final Set<String> STEP_KINDS = Set.of("think", "tool", "fail");

  /** Made once: each {@code Json.createParser} would look the JSON-P provider up again. */
  private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

  /** Parses a script, or throws {@link AgentFailure} with code {@code invalid_input}. */
  public static Script parse(String input) throws AgentFailure {
    JsonValue document;
    try (JsonParser parser = PARSERS.createParser(new StringReader(input))) {
      parser.next();
      document = parser.getValue();
      if (parser.hasNext()) {
        throw invalid("input holds more than one JSON value");
      }
    } catch (JsonException | IllegalStateException | NoSuchElementException e) {
      throw invalid("input is not valid JSON: " + e.getMessage());
    }
    if (!(document instanceof JsonObject script)) {
      throw invalid("input must be a JSON object with a steps array");
    }
    if (!(script.get("steps") instanceof JsonArray steps)) {
      throw invalid("steps must be an array");
    }
    List<Step> parsed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      parsed.add(step(i, steps.get(i)));
    }
    JsonValue output = script.get("output");
    if (output != null && !(output instanceof JsonString)) {
      throw invalid("output must be a string");
    }
    return new Script(List.copyOf(parsed), output == null ? "" : ((JsonString) output).getString());
  }

  private static Step step(int index, JsonValue value) throws AgentFailure {
    String where = "steps[" + index + "]";
    if (!(value instanceof JsonObject step)) {
      throw invalid(where + " must be an object");
    }
    List<String> kinds = step.keySet().stream().filter(STEP_KINDS::contains).toList();
    if (kinds.size() != 1) {
      throw invalid(where + " must have exactly one of think, tool or fail");
    }
    String kind = kinds.get(0);
    if (!(step.get(kind) instanceof JsonString text)) {
      throw invalid(where + "." + kind + " must be a string");
    }
    JsonValue arguments = step.get("arguments");
    if (arguments != null && !kind.equals("tool")) {
      throw invalid(where + ": only a tool step takes arguments");
    }
    return switch (kind) {
      case "think" -> new Think(text.getString());
      case "fail" -> new Fail(text.getString());
      default -> {
        if (arguments != null && !(arguments instanceof JsonObject)) {
          throw invalid(where + ".arguments must be an object");
        }
        yield new CallTool(
            text.getString(),
            arguments == null ? JsonValue.EMPTY_JSON_OBJECT : (JsonObject) arguments);
      }
    };
  }

  private static AgentFailure invalid(String message) {
    return new AgentFailure("invalid_input", message);
  }
}
