package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

/** The calculator tool returns the expression with its exact value, or says what is wrong. */
class CalculatorToolTest {

  private final CalculatorTool calculator = new CalculatorTool();

  private static JsonObject expression(String text) {
    return Json.createObjectBuilder().add("expression", text).build();
  }

  @Test
  void isNamedCalculator() {
    assertEquals("calculator", calculator.name());
  }

  @Test
  void returnsTheExpressionAndItsValue() {
    JsonObject result = calculator.call(expression("17*23+4")).asJsonObject();

    assertEquals("17*23+4", result.getString("expression"));
    assertEquals(395, result.getJsonNumber("value").intValueExact());
    assertEquals(2, result.size());
  }

  @Test
  void decimalValuesAreExactInTheJson() {
    JsonValue result = calculator.call(expression("0.1+0.2"));

    assertEquals("{\"expression\":\"0.1+0.2\",\"value\":0.3}", result.toString());
  }

  @Test
  void aBadExpressionThrowsWithTheArithmeticMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> calculator.call(expression("1/0")));

    assertEquals("division by zero at position 4", e.getMessage());
  }

  @Test
  void theExpressionMustBeAString() {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> calculator.call(JsonValue.EMPTY_JSON_OBJECT));
    IllegalArgumentException number =
        assertThrows(
            IllegalArgumentException.class,
            () -> calculator.call(Json.createObjectBuilder().add("expression", 42).build()));

    assertEquals("expression must be a string", missing.getMessage());
    assertEquals("expression must be a string", number.getMessage());
  }

  @Test
  void roundNumbersAreWrittenInPlainDigits() {
    assertEquals(
        "{\"expression\":\"50*2\",\"value\":100}",
        new CalculatorTool()
            .call(Json.createObjectBuilder().add("expression", "50*2").build())
            .toString());
  }

  @Test
  void hugeValuesKeepTheirExponentInTheJson() {
    assertEquals(
        "{\"expression\":\"10^1000\",\"value\":1E+1000}",
        calculator.call(expression("10^1000")).toString());
  }

  @Test
  void aNestedPowerBombIsRefusedAsTooLarge() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> calculator.call(expression("((10^1000)^1000)^700")));

    assertEquals("the result is too large (more than 1001 digits) at position 16", e.getMessage());
  }
}
