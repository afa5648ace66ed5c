package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default agent: answers arithmetic and date/time questions with the {@code calculator} and
 * {@code clock} tools, so that trying AgentWire shows real thinking and tool calls with no network
 * and no model.
 */
@ApplicationScoped
public class AssistantAgent implements Agent {

  /** Made once: each {@code Json.createObjectBuilder} would look the JSON-P provider up again. */
  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

  private static final Pattern ZONE =
      Pattern.compile("\\b(UTC|[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\\b");
  private static final Pattern TIME_WORDS =
      Pattern.compile("\\b(time|date|day|today|now|clock|year|month)\\b");
  private static final int MAX_EXPRESSIONS = 5;

  @Override
  public String name() {
    return "assistant";
  }

  @Override
  public String run(AgentContext context) {
    String question = context.input();
    List<String> expressions = expressions(question);
    boolean wantsTime = TIME_WORDS.matcher(question.toLowerCase(Locale.ROOT)).find();
    if (expressions.isEmpty() && !wantsTime) {
      context.think("No arithmetic and no question about the date or time in that.");
      return "I can do arithmetic (try \"what is 17 * 23 + 4?\") and tell the date and time"
          + " anywhere (try \"what time is it in Asia/Tokyo?\").";
    }
    List<String> answers = new ArrayList<>();
    for (String expression : expressions) {
      context.think("I'll compute " + expression + " with the calculator.");
      ToolOutcome outcome =
          context.callTool(
              "calculator", JSON.createObjectBuilder().add("expression", expression).build());
      answers.add(
          outcome.ok()
              ? expression + " = " + outcome.result().asJsonObject().get("value")
              : "I could not compute " + expression + ": " + outcome.error());
    }
    if (wantsTime) {
      Matcher zone = ZONE.matcher(question);
      String zoneName = zone.find() ? zone.group(1) : "UTC";
      context.think("You asked about the date or time; I'll read the clock for " + zoneName + ".");
      ToolOutcome outcome =
          context.callTool("clock", JSON.createObjectBuilder().add("zone", zoneName).build());
      if (outcome.ok()) {
        JsonObject now = outcome.result().asJsonObject();
        answers.add(
            "In "
                + now.getString("zone")
                + " it is "
                + now.getString("time")
                + " on "
                + now.getString("date")
                + ".");
      } else {
        answers.add("I could not read the clock: " + outcome.error());
      }
    }
    return String.join("\n", answers);
  }

  static List<String> expressions(String text) {
    return ExpressionScanner.find(text, MAX_EXPRESSIONS);
  }
}
