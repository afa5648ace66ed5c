package dev.agentwire.agents;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.CancellationException;

/**
 * Evaluates arithmetic expressions exactly enough for people: decimal numbers, {@code + - * / %},
 * {@code ^} with whole exponents, unary minus and parentheses, in 34 significant digits.
 *
 * <p>Every value, intermediate or final, is zero or between 10^-1000 and 10^1001, and is checked
 * before the operation that would make it where that operation could be costly ({@code ^} and
 * {@code %}): an expression from a hostile client costs at most a few milliseconds, since {@link
 * java.math.BigInteger} neither stops for interrupts nor bounds its own work. A thread interrupted
 * while evaluating stops with a {@link CancellationException} at the next operation.
 */
public final class Arithmetic {

  private static final MathContext PRECISION = MathContext.DECIMAL128;
  private static final int MAX_LENGTH = 500;
  private static final int MAX_EXPONENT = 1000;

  /** The largest power of ten a value may reach: it has at most 1001 digits before the point. */
  private static final int MAX_MAGNITUDE = 1000;

  /** The smallest power of ten a nonzero value may reach. */
  private static final int MIN_MAGNITUDE = -1000;

  private final String text;
  private int pos;

  private Arithmetic(String text) {
    this.text = text;
  }

  /**
   * The value of the expression; throws {@link IllegalArgumentException} saying what is wrong, or
   * {@link CancellationException} if the thread is interrupted. Whole numbers of up to 34 digits
   * come without exponent ({@code 100}, not {@code 1E+2}); larger ones keep it ({@code 1E+1000}),
   * so that no result is ever written out in a thousand digits.
   */
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
    boolean plainWhole =
        stripped.scale() < 0
            && (long) stripped.precision() - stripped.scale() <= PRECISION.getPrecision();
    return plainWhole ? stripped.setScale(0) : stripped;
  }

  private BigDecimal sum() {
    BigDecimal value = product();
    while (true) {
      if (accept('+')) {
        BigDecimal right = product();
        value = bounded(value.add(right, PRECISION));
      } else if (accept('-')) {
        BigDecimal right = product();
        value = bounded(value.subtract(right, PRECISION));
      } else {
        return value;
      }
    }
  }

  /** Operands are bounded, so {@code *} and {@code /} cost a few thousand digits at most. */
  private BigDecimal product() {
    BigDecimal value = unary();
    while (true) {
      if (accept('*') || accept('×')) {
        BigDecimal right = unary();
        value = bounded(value.multiply(right, PRECISION));
      } else if (accept('/') || accept('÷')) {
        BigDecimal right = nonZero(unary());
        value = bounded(value.divide(right, PRECISION));
      } else if (accept('%')) {
        value = remainder(value, nonZero(unary()));
      } else {
        return value;
      }
    }
  }

  /**
   * {@link BigDecimal#remainder(BigDecimal, MathContext)} needs the whole quotient within the
   * precision, and fails with an {@link ArithmeticException} otherwise: say so before asking.
   */
  private BigDecimal remainder(BigDecimal dividend, BigDecimal divisor) {
    stopIfInterrupted();
    int digits = PRECISION.getPrecision();
    if (dividend.abs().compareTo(divisor.abs().scaleByPowerOfTen(digits)) >= 0) {
      throw error("the quotient of % is too large (more than " + digits + " digits)");
    }
    return bounded(dividend.remainder(divisor, PRECISION));
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
      nonZero(base);
    }
    if (n == 0 || base.signum() == 0) {
      return bounded(base.pow(n));
    }
    stopIfInterrupted();
    requireMagnitude(n * log10(base));
    if (n < 0) {
      return bounded(BigDecimal.ONE.divide(base.pow(-n, PRECISION), PRECISION));
    }
    return bounded(base.pow(n, PRECISION));
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

  /** The result of an operation, if it is within range; zero in one form whatever its scale. */
  private BigDecimal bounded(BigDecimal value) {
    stopIfInterrupted();
    if (value.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long magnitude = (long) value.precision() - value.scale() - 1;
    if (magnitude > MAX_MAGNITUDE) {
      throw tooLarge();
    }
    if (magnitude < MIN_MAGNITUDE) {
      throw tooSmall();
    }
    return value;
  }

  /**
   * Refuses a result whose estimated base-10 logarithm is clearly out of range; one near the bounds
   * is computed (it costs little) and then checked exactly by {@link #bounded}.
   */
  private void requireMagnitude(double log10) {
    if (log10 > MAX_MAGNITUDE + 2) {
      throw tooLarge();
    }
    if (log10 < MIN_MAGNITUDE - 2) {
      throw tooSmall();
    }
  }

  /** log10 of |value| for a nonzero value, from its first 16 digits. */
  private static double log10(BigDecimal value) {
    BigDecimal head = value.abs().round(MathContext.DECIMAL64);
    return Math.log10(head.unscaledValue().doubleValue()) - head.scale();
  }

  private IllegalArgumentException tooLarge() {
    return error("the result is too large (more than " + (MAX_MAGNITUDE + 1) + " digits)");
  }

  private IllegalArgumentException tooSmall() {
    return error("the result is too small (nonzero but under 10^" + MIN_MAGNITUDE + ")");
  }

  private static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("the calculation was interrupted");
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
