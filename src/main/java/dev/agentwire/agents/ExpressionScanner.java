package dev.agentwire.agents;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the arithmetic in free text in one pass, whatever the text: a regular expression with
 * backtracking took seconds on a few kilobytes of {@code 1 1 1 …} and overflowed the stack on
 * {@code 1+1+1…}, on the run's own thread.
 *
 * <p>An expression is: signs or opening parentheses, a digit, then digits, points and spaces; then
 * one or more times: operators or parentheses, signs or opening parentheses (spaces around them), a
 * digit, then digits, points, spaces and closing parentheses. Text matching {@code yyyy-m-d} is a
 * date, not a subtraction. Every character is looked at a bounded number of times: an attempt that
 * fails after a run of digits and spaces fails for every start inside that run too, so the scan
 * resumes after it.
 */
final class ExpressionScanner {

  /** Checked on one found expression; it reads at most eleven characters of it. */
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}");

  private final String text;

  private ExpressionScanner(String text) {
    this.text = text;
  }

  /** The first {@code limit} expressions in the text, trimmed, in order. */
  static List<String> find(String text, int limit) {
    return new ExpressionScanner(text).expressions(limit);
  }

  private List<String> expressions(int limit) {
    List<String> found = new ArrayList<>();
    int from = 0;
    while (from < text.length() && found.size() < limit) {
      int digit = skipSpaces(skipSigns(from));
      if (!digitAt(digit)) {
        from = Math.max(from + 1, digit);
        continue;
      }
      int end = skipNumber(digit + 1);
      int next = operation(end);
      if (next < 0) {
        from = end;
        continue;
      }
      while (next >= 0) {
        end = next;
        next = operation(end);
      }
      String expression = text.substring(from, end).trim();
      if (!DATE.matcher(expression).matches()) {
        found.add(expression);
      }
      from = end;
    }
    return found;
  }

  /** Where an operation starting at {@code at} ends, or -1 if none starts there. */
  private int operation(int at) {
    if (at >= text.length() || !isOperator(text.charAt(at))) {
      return -1;
    }
    int i = at + 1;
    while (i < text.length() && isOperator(text.charAt(i))) {
      i++;
    }
    int digit = skipSpaces(skipSigns(skipSpaces(i)));
    if (!digitAt(digit)) {
      return -1;
    }
    int end = digit + 1;
    while (end < text.length() && (isNumberPart(text.charAt(end)) || text.charAt(end) == ')')) {
      end++;
    }
    return end;
  }

  private int skipSigns(int i) {
    while (i < text.length() && isSign(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private int skipSpaces(int i) {
    while (i < text.length() && isSpace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private int skipNumber(int i) {
    while (i < text.length() && isNumberPart(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private boolean digitAt(int i) {
    return i < text.length() && isDigit(text.charAt(i));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNumberPart(char c) {
    return isDigit(c) || c == '.' || isSpace(c);
  }

  private static boolean isSign(char c) {
    return c == '-' || c == '+' || c == '(';
  }

  private static boolean isOperator(char c) {
    return switch (c) {
      case '-', '+', '*', '/', '%', '^', '×', '÷', '(', ')' -> true;
      default -> false;
    };
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
