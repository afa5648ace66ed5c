package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * No expression makes the calculator work long or build huge numbers: every value is zero or
 * between 10^-1000 and 10^1001, and anything beyond is refused before it is computed.
 */
class ArithmeticStaysBoundedTest {

  private static String value(String expression) {
    return Arithmetic.evaluate(expression).toString();
  }

  private static String error(String expression) {
    return assertThrows(IllegalArgumentException.class, () -> Arithmetic.evaluate(expression))
        .getMessage();
  }

  @Test
  void nestedPowersAreRefusedAtOnce() {
    String message =
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> error("((10^1000)^1000)^700"));

    assertEquals("the result is too large (more than 1001 digits) at position 16", message);
    long started = System.nanoTime();
    error("((10^1000)^1000)^700");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertTrue(ms < 100, "a warm evaluation took " + ms + " ms");
  }

  @Test
  void resultsHaveAtMostAThousandAndOneDigitsBeforeThePoint() {
    assertEquals("1E+1000", value("10^1000"));
    assertEquals("9.99E+1000", value("10^1000 * 9.99"));
    assertEquals(
        "the result is too large (more than 1001 digits) at position 11", error("10^1000*10"));
    assertEquals(
        "the result is too large (more than 1001 digits) at position 16", error("10^1000*10^1000"));
    assertEquals("exponent is larger than 1000 at position 8", error("10^1001"), "checked first");
    assertEquals("the result is too large (more than 1001 digits) at position 8", error("11^1000"));
    assertEquals("4.317124741065825098863282863525974E+995", value("9.9^1000"));
    assertEquals(
        "the result is too large (more than 1001 digits) at position 22",
        error("10^1000 + 10^1000 * 9"));
    assertEquals("1E+1000", value("1/10^-1000"));
    assertEquals(
        "the result is too large (more than 1001 digits) at position 12", error("10/10^-1000"));
  }

  @Test
  void nonzeroResultsAreAtLeastTenToTheMinusThousand() {
    assertEquals("1E-1000", value("10^-1000"));
    assertEquals("1E-1000", value("0.1^1000"));
    assertEquals("0", value("10^-1000 - 10^-1000"));
    assertEquals(
        "the result is too small (nonzero but under 10^-1000) at position 12",
        error("10^-1000/10"));
    assertEquals(
        "the result is too small (nonzero but under 10^-1000) at position 9", error("0.01^999"));
    assertEquals(
        "the result is too small (nonzero but under 10^-1000) at position 12",
        error("(10^-999)^2"));
  }

  @Test
  void wholeNumbersBeyondThirtyFourDigitsKeepTheirExponent() {
    assertEquals("100", value("50*2"));
    assertEquals("1000000000000000000000000000000000", value("10^33"));
    assertEquals("1E+34", value("10^34"));
    assertEquals("1267650600228229401496703205376", value("2^100"));
    assertEquals("1.606938044258990275541962092341163E+60", value("2^200"));
    assertEquals(0, BigDecimal.TEN.pow(1000).compareTo(Arithmetic.evaluate("10^1000")));
  }

  @Test
  void theRemainderNeedsAQuotientOfAtMostThirtyFourDigits() {
    assertEquals("6", value("10^33 % 7"));
    assertEquals("4", value("10^34 % 7"));
    assertEquals(
        "the quotient of % is too large (more than 34 digits) at position 10", error("10^35 % 7"));
    assertEquals(
        "the quotient of % is too large (more than 34 digits) at position 11", error("9^1000 % 7"));
    assertEquals(
        "the quotient of % is too large (more than 34 digits) at position 19",
        error("10^1000 % 10^-1000"));
    assertEquals("1", value("1 % 10^1000"));
    assertEquals("1E-1000", value("10^-1000 % 10^1000"));
  }

  @Test
  void anInterruptedEvaluationStopsAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      CancellationException stopped =
          assertThrows(CancellationException.class, () -> Arithmetic.evaluate("2^10 + 1"));
      assertEquals("the calculation was interrupted", stopped.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt was swallowed");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void randomExpressionsEvaluateOrAreRefusedQuickly() {
    Random random = new Random(20261126L);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int i = 0; i < 5_000; i++) {
            String expression = expression(random, 4);
            long started = System.nanoTime();
            try {
              BigDecimal result = Arithmetic.evaluate(expression);
              assertWithinRange(expression, result);
              outcomes[0]++;
            } catch (IllegalArgumentException refused) {
              outcomes[1]++;
            } catch (RuntimeException other) {
              throw new AssertionError(expression + " threw " + other, other);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertTrue(ms < 1_000, expression + " took " + ms + " ms");
          }
        });
    assertTrue(outcomes[0] > 1_000, outcomes[0] + " values");
    assertTrue(outcomes[1] > 1_000, outcomes[1] + " refusals");
  }

  private static void assertWithinRange(String expression, BigDecimal result) {
    if (result.signum() != 0) {
      long magnitude = (long) result.precision() - result.scale() - 1;
      assertTrue(magnitude >= -1000 && magnitude <= 1000, expression + " = " + result);
    }
    assertTrue(result.toString().length() <= 520, expression + " = " + result);
  }

  private static final String[] OPERATORS = {"+", "-", "*", "/", "%", "×", "÷", "^"};
  private static final String[] EXPONENTS = {
    "0", "1", "2", "3", "10", "333", "999", "1000", "1001", "-1", "-2", "-999", "-1000", "-1001",
    "0.5", "(1/3)", "(2^10)", "(10^3)", "-(10^3)", "(3-3)"
  };

  private static String expression(Random random, int depth) {
    return switch (depth <= 0 ? 0 : random.nextInt(8)) {
      case 0 -> number(random);
      case 1 -> "(" + expression(random, depth - 1) + ")";
      case 2 -> "-" + expression(random, depth - 1);
      case 3, 4 ->
          "(" + expression(random, depth - 1) + ")^" + EXPONENTS[random.nextInt(EXPONENTS.length)];
      default ->
          expression(random, depth - 1)
              + OPERATORS[random.nextInt(OPERATORS.length)]
              + expression(random, depth - 1);
    };
  }

  private static String number(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> "1e999";
      case 1 -> "10^999";
      case 2 -> "10^-999";
      case 3 -> "9^1000";
      case 4 -> "0.1^1000";
      case 5 -> "1" + "0".repeat(random.nextInt(120));
      case 6 -> "0." + "0".repeat(random.nextInt(120)) + "7";
      case 7 -> "9".repeat(1 + random.nextInt(60));
      case 8 -> random.nextBoolean() ? "0" : "0.000";
      case 9 -> random.nextInt(10) + "." + random.nextInt(1000);
      default -> Integer.toString(random.nextInt(1000));
    };
  }
}
