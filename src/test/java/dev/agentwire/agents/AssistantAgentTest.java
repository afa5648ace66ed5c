package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assistant finds the arithmetic in a question and answers it with its tools. */
class AssistantAgentTest {

  @Test
  void findsTheExpressionInAQuestion() {
    assertEquals(List.of("17 * 23 + 4"), AssistantAgent.expressions("what is 17 * 23 + 4?"));
    assertEquals(List.of("(2+3)*4"), AssistantAgent.expressions("What is (2+3)*4?"));
    assertEquals(List.of("(1+2)*(3+4)"), AssistantAgent.expressions("(1+2)*(3+4)"));
    assertEquals(List.of("2^10"), AssistantAgent.expressions("what's 2^10"));
    assertEquals(List.of("6×7"), AssistantAgent.expressions("6×7"));
  }

  @Test
  void keepsALeadingMinusSign() {
    assertEquals(List.of("-3 * 4"), AssistantAgent.expressions("compute -3 * 4"));
  }

  @Test
  void findsEachOfSeveralExpressions() {
    assertEquals(
        List.of("2.5 * 4", "10 / 4"), AssistantAgent.expressions("what is 2.5 * 4 and 10 / 4"));
  }

  @Test
  void findsAtMostFiveExpressions() {
    assertEquals(
        List.of("1+1", "2+2", "3+3", "4+4", "5+5"),
        AssistantAgent.expressions("1+1, 2+2, 3+3, 4+4, 5+5, 6+6"));
  }

  @Test
  void numbersWithoutAnOperatorAreNoExpression() {
    assertEquals(List.of(), AssistantAgent.expressions("I have 3 apples"));
    assertEquals(List.of(), AssistantAgent.expressions("I was born in 1990 and it's 2024"));
    assertEquals(List.of(), AssistantAgent.expressions("hello"));
    assertEquals(List.of(), AssistantAgent.expressions(""));
  }

  @Test
  void answersArithmeticWithTheCalculator() throws Exception {
    ToolsContext context = new ToolsContext("what is 17 * 23 + 4?");

    String output = new AssistantAgent().run(context);

    assertEquals("17 * 23 + 4 = 395", output);
    assertEquals(List.of("calculator"), context.toolsCalled);
    assertEquals(List.of("I'll compute 17 * 23 + 4 with the calculator."), context.thoughts);
  }

  @Test
  void reportsWhatTheCalculatorCouldNotCompute() throws Exception {
    String output = new AssistantAgent().run(new ToolsContext("what is 1/0?"));

    assertEquals("I could not compute 1/0: division by zero at position 4", output);
  }

  @Test
  void answersATimeQuestionWithTheClockInTheNamedZone() throws Exception {
    ToolsContext context = new ToolsContext("what time is it in Asia/Tokyo?");

    String output = new AssistantAgent().run(context);

    assertEquals("In Asia/Tokyo it is 13:12 on Thursday 26 November 2026.", output);
    assertEquals(List.of("clock"), context.toolsCalled);
  }

  @Test
  void answersATimeQuestionInUtcWhenNoZoneIsNamed() throws Exception {
    String output = new AssistantAgent().run(new ToolsContext("what is the date today?"));

    assertEquals("In UTC it is 04:12 on Thursday 26 November 2026.", output);
  }

  @Test
  void saysWhatItCanDoWhenThereIsNothingToAnswer() throws Exception {
    ToolsContext context = new ToolsContext("tell me a joke");

    String output = new AssistantAgent().run(context);

    assertEquals(
        "I can do arithmetic (try \"what is 17 * 23 + 4?\") and tell the date and time"
            + " anywhere (try \"what time is it in Asia/Tokyo?\").",
        output);
    assertEquals(List.of(), context.toolsCalled);
  }

  /**
   * Calls the real calculator and a clock fixed at 2026-11-26T04:12:49Z, as the dispatcher would.
   */
  static final class ToolsContext implements AgentContext {

    private final String input;
    private final Map<String, Tool> tools =
        Map.of(
            "calculator",
            new CalculatorTool(),
            "clock",
            new ClockTool(Clock.fixed(Instant.parse("2026-11-26T04:12:49Z"), ZoneOffset.UTC)));
    final List<String> thoughts = new ArrayList<>();
    final List<String> toolsCalled = new ArrayList<>();

    ToolsContext(String input) {
      this.input = input;
    }

    @Override
    public Caller caller() {
      return Caller.named("ada");
    }

    @Override
    public String input() {
      return input;
    }

    @Override
    public String runId() {
      return "r-1";
    }

    @Override
    public String threadId() {
      return "t-1";
    }

    @Override
    public void think(String text) {
      thoughts.add(text);
    }

    @Override
    public void output(String delta) {
      throw new AssertionError("the assistant does not stream its answer");
    }

    @Override
    public ToolOutcome callTool(String tool, JsonObject arguments) {
      toolsCalled.add(tool);
      try {
        return new ToolOutcome(ToolStatus.OK, tools.get(tool).call(arguments), null, 0);
      } catch (Exception e) {
        return new ToolOutcome(ToolStatus.ERROR, null, e.getMessage(), 0);
      }
    }

    @Override
    public boolean isCancelled() {
      return false;
    }
  }

  @Test
  void roundNumbersAreAnsweredInPlainDigits() throws Exception {
    assertEquals("50*2 = 100", new AssistantAgent().run(new ToolsContext("what is 50*2?")));
  }

  @Test
  void isoDatesAreNotMistakenForSubtraction() {
    assertEquals(List.of("3 + 4"), AssistantAgent.expressions("On 2026-11-26, what is 3 + 4?"));
  }

  @Test
  void answersSixtyFourKilobytesOfHostileTextQuickly() {
    String ones = "1 ".repeat(32 * 1024);
    String sum = "1+".repeat(32 * 1024 - 1) + "1";
    String bomb = "what is ((10^1000)^1000)^700 on Europe/Paris " + "(".repeat(60 * 1024);

    List<String> answers =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () ->
                List.of(
                    new AssistantAgent().run(new ToolsContext(ones)),
                    new AssistantAgent().run(new ToolsContext(sum)),
                    new AssistantAgent().run(new ToolsContext(bomb))));

    assertTrue(answers.get(0).startsWith("I can do arithmetic"), answers.get(0));
    assertTrue(
        answers.get(1).endsWith(": expression is longer than 500 characters"),
        answers.get(1).substring(answers.get(1).length() - 80));
    assertEquals(
        "I could not compute ((10^1000)^1000)^700: the result is too large (more than 1001 digits)"
            + " at position 16",
        answers.get(2));
  }
}
