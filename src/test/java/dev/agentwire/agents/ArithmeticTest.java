package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The calculator's arithmetic: the usual rules, exact decimals, and errors that say where. */
class ArithmeticTest {

  private static String value(String expression) {
    return Arithmetic.evaluate(expression).toPlainString();
  }

  private static String error(String expression) {
    return assertThrows(IllegalArgumentException.class, () -> Arithmetic.evaluate(expression))
        .getMessage();
  }

  @Test
  void multiplicationAndDivisionBindTighterThanAdditionAndSubtraction() {
    assertEquals("14", value("2+3*4"));
    assertEquals("14", value("20-12/2"));
    assertEquals("7", value("1 + 2 * 3"));
    assertEquals("-3", value("1 - 2 - 2"), "subtraction is left-associative");
    assertEquals("1", value("8/4/2"), "division is left-associative");
  }

  @Test
  void parenthesesOverridePrecedence() {
    assertEquals("20", value("(2+3)*4"));
    assertEquals("21", value("(1+2)*(3+4)"));
    assertEquals("5", value("((((5))))"));
    assertEquals("3", value(" ( 1 + 2 ) "));
  }

  @Test
  void unaryMinusAndPlusApplyToWhatFollows() {
    assertEquals("2", value("-3+5"));
    assertEquals("-6", value("2*-3"));
    assertEquals("3", value("--3"));
    assertEquals("-5", value("-(2+3)"));
    assertEquals("4", value("+4"));
    assertEquals("-12", value("-3 * 4"));
  }

  @Test
  void decimalsAreExact() {
    assertEquals(new BigDecimal("0.3"), Arithmetic.evaluate("0.1+0.2"));
    assertEquals("0.3", value("0.1 + 0.2"));
    assertEquals("2.5", value("10/4"));
    assertEquals("3", value("1.50+1.50"), "trailing zeros are stripped");
    assertEquals("0.3333333333333333333333333333333333", value("1/3"), "34 significant digits");
  }

  @Test
  void powerIsRightAssociativeAndTighterThanMultiplication() {
    assertEquals("512", value("2^3^2"));
    assertEquals("64", value("(2^3)^2"));
    assertEquals("24", value("3*2^3"));
    assertEquals("1024", value("2^10"));
    assertEquals("1", value("7^0"));
  }

  @Test
  void negativeWholeExponentsGiveFractions() {
    assertEquals("0.5", value("2^-1"));
    assertEquals("0.001", value("10^-3"));
  }

  @Test
  void exponentsMustBeWholeNumbers() {
    assertEquals("exponents must be whole numbers at position 6", error("2^0.5"));
    assertEquals("exponents must be whole numbers at position 8", error("2^(1/2)"));
    assertEquals("4", value("2^2.0"), "a whole number written with a fraction is whole");
  }

  @Test
  void exponentsAreLimitedToAThousand() {
    assertEquals("exponent is larger than 1000 at position 7", error("2^1001"));
    assertEquals("exponent is larger than 1000 at position 8", error("2^-1001"));
    assertEquals(0, BigDecimal.TEN.pow(1000).compareTo(Arithmetic.evaluate("10^1000")));
  }

  @Test
  void percentIsTheRemainder() {
    assertEquals("1", value("7%3"));
    assertEquals("-1", value("-7%3"), "the sign follows the dividend");
    assertEquals("1.5", value("7.5%2"));
    assertEquals("3", value("1+8%3"), "% binds like *");
  }

  @Test
  void multiplicationAndDivisionSignsAreAccepted() {
    assertEquals("42", value("6×7"));
    assertEquals("42", value("84÷2"));
    assertEquals("7", value("2×3+4÷4"));
  }

  @Test
  void divisionByZeroSaysSoWithThePosition() {
    assertEquals("division by zero at position 4", error("1/0"));
    assertEquals("division by zero at position 4", error("1%0"));
    assertEquals("division by zero at position 4", error("1÷0"));
    assertEquals("division by zero at position 10", error("5/(2-2.0)"));
    assertEquals("division by zero at position 5", error("0^-1"));
  }

  @Test
  void garbageIsReportedWithItsPosition() {
    assertEquals("unexpected 'a' at position 1", error("abc"));
    assertEquals("unexpected '*' at position 3", error("2+*3"));
    assertEquals("unexpected '3' at position 3", error("2 3"));
    assertEquals("unexpected 'x' at position 5", error("1 + x"));
    assertEquals("unexpected 'e' at position 2", error("1e3"));
    assertEquals("unexpected ')' at position 1", error(")"));
    assertEquals("missing ')' at position 5", error("(1+2"));
    assertEquals("unexpected end at position 3", error("1+"));
    assertEquals("unexpected end at position 1", error(""));
    assertEquals("bad number '1..2' at position 5", error("1..2"));
  }

  @Test
  void expressionsLongerThanFiveHundredCharactersAreRefused() {
    String atTheLimit = "11" + "+1".repeat(249);
    assertEquals(500, atTheLimit.length());
    assertEquals("260", value(atTheLimit));

    String overTheLimit = atTheLimit + "1";
    assertEquals("expression is longer than 500 characters", error(overTheLimit));
    assertEquals("expression is longer than 500 characters", error(" ".repeat(501)));
  }

  @Test
  void powerBindsTighterThanUnaryMinus() {
    assertEquals(new java.math.BigDecimal("-4"), Arithmetic.evaluate("-2^2"));
    assertEquals(new java.math.BigDecimal("0.5"), Arithmetic.evaluate("2^-1"));
    assertEquals(new java.math.BigDecimal("4"), Arithmetic.evaluate("(-2)^2"));
  }
}
