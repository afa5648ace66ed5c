package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.agents.Script.CallTool;
import dev.agentwire.agents.Script.Fail;
import dev.agentwire.agents.Script.Think;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scripted agent's input is checked whole: the protocol's example parses, anything else fails.
 */
class ScriptTest {

  private static final String PROTOCOL_EXAMPLE =
      """
      {"steps":[{"think":"Looking up the order"},
                {"tool":"echo","arguments":{"order":42}},
                {"tool":"sleep","arguments":{"ms":300}},
                {"tool":"fail","arguments":{"message":"backend down"}},
                {"fail":"agent gave up"}],
       "output":"Order 42 is on its way"}
      """;

  private static AgentFailure invalid(String input) {
    AgentFailure failure = assertThrows(AgentFailure.class, () -> Script.parse(input));
    assertEquals("invalid_input", failure.code());
    return failure;
  }

  @Test
  void theProtocolsExampleParsesIntoItsSteps() throws AgentFailure {
    Script script = Script.parse(PROTOCOL_EXAMPLE);

    assertEquals(
        List.of(
            new Think("Looking up the order"),
            new CallTool("echo", Json.createObjectBuilder().add("order", 42).build()),
            new CallTool("sleep", Json.createObjectBuilder().add("ms", 300).build()),
            new CallTool("fail", Json.createObjectBuilder().add("message", "backend down").build()),
            new Fail("agent gave up")),
        script.steps());
    assertEquals("Order 42 is on its way", script.output());
  }

  @Test
  void absentOutputMeansEmptyOutput() throws AgentFailure {
    assertEquals(new Script(List.of(), ""), Script.parse("{\"steps\":[]}"));
  }

  @Test
  void aToolStepWithoutArgumentsGetsAnEmptyObject() throws AgentFailure {
    Script script = Script.parse("{\"steps\":[{\"tool\":\"echo\"}]}");

    assertEquals(List.of(new CallTool("echo", JsonValue.EMPTY_JSON_OBJECT)), script.steps());
  }

  @Test
  void otherKeysInAStepAreIgnored() throws AgentFailure {
    Script script = Script.parse("{\"steps\":[{\"think\":\"hm\",\"note\":1}],\"output\":\"o\"}");

    assertEquals(new Script(List.of(new Think("hm")), "o"), script);
  }

  @Test
  void theStepsCannotBeChangedAfterParsing() throws AgentFailure {
    List<Script.Step> steps = Script.parse(PROTOCOL_EXAMPLE).steps();

    assertThrows(UnsupportedOperationException.class, () -> steps.add(new Think("more")));
  }

  @Test
  void inputThatIsNotJsonIsInvalid() {
    assertTrue(invalid("steps: think").getMessage().startsWith("input is not valid JSON: "));
    assertTrue(invalid("{\"steps\":[").getMessage().startsWith("input is not valid JSON: "));
    assertTrue(invalid("").getMessage().startsWith("input is not valid JSON: "));
  }

  @Test
  void inputThatIsNotAnObjectIsInvalid() {
    assertEquals("input must be a JSON object with a steps array", invalid("[]").getMessage());
    assertEquals("input must be a JSON object with a steps array", invalid("\"hi\"").getMessage());
    assertEquals("input must be a JSON object with a steps array", invalid("42").getMessage());
  }

  @Test
  void stepsMustBePresentAndAnArray() {
    assertEquals("steps must be an array", invalid("{}").getMessage());
    assertEquals("steps must be an array", invalid("{\"output\":\"x\"}").getMessage());
    assertEquals("steps must be an array", invalid("{\"steps\":{}}").getMessage());
    assertEquals("steps must be an array", invalid("{\"steps\":\"think\"}").getMessage());
    assertEquals("steps must be an array", invalid("{\"steps\":null}").getMessage());
  }

  @Test
  void eachStepMustBeAnObject() {
    assertEquals(
        "steps[1] must be an object",
        invalid("{\"steps\":[{\"think\":\"a\"},\"think\"]}").getMessage());
    assertEquals("steps[0] must be an object", invalid("{\"steps\":[[]]}").getMessage());
  }

  @Test
  void aStepWithTwoKindsIsInvalid() {
    assertEquals(
        "steps[0] must have exactly one of think, tool or fail",
        invalid("{\"steps\":[{\"think\":\"a\",\"tool\":\"echo\"}]}").getMessage());
    assertEquals(
        "steps[0] must have exactly one of think, tool or fail",
        invalid("{\"steps\":[{\"fail\":\"a\",\"think\":\"b\"}]}").getMessage());
  }

  @Test
  void aStepWithNoKindIsInvalid() {
    assertEquals(
        "steps[0] must have exactly one of think, tool or fail",
        invalid("{\"steps\":[{}]}").getMessage());
    assertEquals(
        "steps[0] must have exactly one of think, tool or fail",
        invalid("{\"steps\":[{\"arguments\":{}}]}").getMessage());
  }

  @Test
  void theKindsValueMustBeAString() {
    assertEquals(
        "steps[0].think must be a string", invalid("{\"steps\":[{\"think\":7}]}").getMessage());
    assertEquals(
        "steps[0].think must be a string", invalid("{\"steps\":[{\"think\":null}]}").getMessage());
    assertEquals(
        "steps[0].tool must be a string", invalid("{\"steps\":[{\"tool\":{}}]}").getMessage());
    assertEquals(
        "steps[0].fail must be a string", invalid("{\"steps\":[{\"fail\":true}]}").getMessage());
  }

  @Test
  void toolArgumentsMustBeAnObject() {
    assertEquals(
        "steps[0].arguments must be an object",
        invalid("{\"steps\":[{\"tool\":\"echo\",\"arguments\":[1]}]}").getMessage());
    assertEquals(
        "steps[0].arguments must be an object",
        invalid("{\"steps\":[{\"tool\":\"echo\",\"arguments\":\"x\"}]}").getMessage());
  }

  @Test
  void onlyAToolStepTakesArguments() {
    assertEquals(
        "steps[0]: only a tool step takes arguments",
        invalid("{\"steps\":[{\"think\":\"a\",\"arguments\":{}}]}").getMessage());
    assertEquals(
        "steps[0]: only a tool step takes arguments",
        invalid("{\"steps\":[{\"fail\":\"a\",\"arguments\":{}}]}").getMessage());
  }

  @Test
  void outputMustBeAString() {
    assertEquals("output must be a string", invalid("{\"steps\":[],\"output\":42}").getMessage());
    assertEquals("output must be a string", invalid("{\"steps\":[],\"output\":null}").getMessage());
    assertEquals("output must be a string", invalid("{\"steps\":[],\"output\":{}}").getMessage());
  }

  @Test
  void aBadStepAnywhereFailsTheWholeScript() {
    assertEquals(
        "steps[2] must be an object",
        invalid("{\"steps\":[{\"think\":\"a\"},{\"tool\":\"echo\"},1],\"output\":\"o\"}")
            .getMessage());
  }

  @Test
  void aScriptWithTrailingTextIsInvalid() {
    AgentFailure failure =
        assertThrows(
            AgentFailure.class, () -> Script.parse("{\"steps\":[],\"output\":\"o\"} trailing"));
    assertEquals("invalid_input", failure.code());
  }
}
