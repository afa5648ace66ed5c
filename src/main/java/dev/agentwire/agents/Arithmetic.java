package dev.agentwire.agents;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Evaluates arithmetic expressions exactly enough for people: decimal numbers, {@code + - * / %},
 * {@code ^} with whole exponents, unary minus and parentheses, in 34 significant digits.
 */
public final class Arithmetic {

  private static final MathContext PRECISION = MathContext.DECIMAL128;
  private static final int MAX_LENGTH = 500;
  private static final int MAX_EXPONENT = 1000;

  private final String text;
  private int pos;

  private Arithmetic(String text) {
    this.text = text;
  }

  /** The value of the expression; throws {@link IllegalArgumentException} saying what is wrong. */
  public static BigDecimal evaluate(String expression) {
    if (expression.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("expression is longer than " + MAX_LENGTH + " characters");
    }
    Arithmetic parser = new Arithmetic(expression);
    BigDecimal value = parser.sum();
    parser.skipSpaces();
    if (parser.pos < expression.length()) {
      throw parser.error("unexpected '" + expression.charAt(parser.pos) + "'");
    }
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private BigDecimal sum() {
    BigDecimal value = product();
    while (true) {
      if (accept('+')) {
        value = value.add(product(), PRECISION);
      } else if (accept('-')) {
        value = value.subtract(product(), PRECISION);
      } else {
        return value;
      }
    }
  }

  private BigDecimal product() {
    BigDecimal value = unary();
    while (true) {
      if (accept('*') || accept('×')) {
        value = value.multiply(unary(), PRECISION);
      } else if (accept('/') || accept('÷')) {
        value = value.divide(nonZero(unary()), PRECISION);
      } else if (accept('%')) {
        value = value.remainder(nonZero(unary()), PRECISION);
      } else {
        return value;
      }
    }
  }

  /** {@code ^} binds tighter than unary minus, as in mathematics: -2^2 is -4, 2^-1 is 0.5. */
  private BigDecimal power() {
    BigDecimal base = atom();
    if (!accept('^')) {
      return base;
    }
    BigDecimal exponent = unary();
    int n;
    try {
      n = exponent.intValueExact();
    } catch (ArithmeticException e) {
      throw error("exponents must be whole numbers");
    }
    if (Math.abs(n) > MAX_EXPONENT) {
      throw error("exponent is larger than " + MAX_EXPONENT);
    }
    if (n < 0) {
      return BigDecimal.ONE.divide(nonZero(base).pow(-n, PRECISION), PRECISION);
    }
    return base.pow(n, PRECISION);
  }

  private BigDecimal unary() {
    if (accept('-')) {
      return unary().negate();
    }
    if (accept('+')) {
      return unary();
    }
    return power();
  }

  private BigDecimal atom() {
    if (accept('(')) {
      BigDecimal value = sum();
      if (!accept(')')) {
        throw error("missing ')'");
      }
      return value;
    }
    skipSpaces();
    int start = pos;
    while (pos < text.length()
        && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (start == pos) {
      throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error("bad number '" + text.substring(start, pos) + "'");
    }
  }

  private BigDecimal nonZero(BigDecimal value) {
    if (value.signum() == 0) {
      throw error("division by zero");
    }
    return value;
  }

  private boolean accept(char c) {
    skipSpaces();
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(message + " at position " + (pos + 1));
  }
}
