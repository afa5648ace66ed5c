package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scan for arithmetic in a question finds what the old pattern found, in linear time. */
class ExpressionScannerTest {

  /** 64 KiB: the largest text frame the server reads. */
  private static final int LONGEST = 64 * 1024;

  /** The pattern the assistant used before: right on short text, quadratic or worse on long. */
  private static final Pattern OLD_EXPRESSION =
      Pattern.compile("[-+(]*\\s*\\d[\\d.\\s]*(?:[-+*/%^×÷()]+\\s*[-+(]*\\s*\\d[\\d.\\s)]*)+");

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}");

  private static final String ALPHABET = "0123456789.  \t\n+-*/%^×÷()((())ax?,";

  private static List<String> oldExpressions(String text, int limit) {
    List<String> found = new ArrayList<>();
    Matcher matcher = OLD_EXPRESSION.matcher(text);
    while (found.size() < limit && matcher.find()) {
      String expression = matcher.group().trim();
      if (!DATE.matcher(expression).matches()) {
        found.add(expression);
      }
    }
    return found;
  }

  @Test
  void findsWhatTheOldPatternFoundInShortTexts() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(24);
      for (int j = 0; j < length; j++) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String question = text.toString();
      assertEquals(
          oldExpressions(question, 5), ExpressionScanner.find(question, 5), "in: " + question);
    }
  }

  @Test
  void findsWhatTheOldPatternFoundInQuestions() {
    for (String question :
        List.of(
            "what is 17 * 23 + 4?",
            "what's (1 + 2) * 3 and -(4 - 5)?",
            "On 2026-11-26 at 10:30, what is 3 + 4 and 2026-1-2 - 1?",
            "compute 1.5 ÷ 3, then 2^-1 (half), then ((7)) % 4 )",
            "5 + + 5, 6 - -6, 7 ×× 7, 8 )( 8",
            "room 101 costs 20 + 5% tax")) {
      assertEquals(oldExpressions(question, 5), ExpressionScanner.find(question, 5), question);
    }
  }

  @Test
  void hostileTextOfSixtyFourKilobytesIsScannedQuickly() {
    List<String> texts =
        List.of(
            "1 ".repeat(LONGEST / 2),
            "1".repeat(LONGEST),
            "1.".repeat(LONGEST / 2),
            "12.5 ".repeat(LONGEST / 5),
            "-(1\t".repeat(LONGEST / 4),
            "1+".repeat(LONGEST / 2),
            "1+".repeat(LONGEST / 2 - 1) + "1",
            "(".repeat(LONGEST),
            "((1".repeat(LONGEST / 3),
            "1)".repeat(LONGEST / 2),
            "- ".repeat(LONGEST / 2),
            hostile(new Random(7), "1 +-*/%^()×÷.\t\nx"),
            hostile(new Random(8), "1 +("),
            hostile(new Random(9), "1 )+"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (String text : texts) {
            ExpressionScanner.find(text, 5);
          }
        });
  }

  @Test
  void aLongSumIsOneExpression() {
    String sum = "1+".repeat(LONGEST / 2 - 1) + "1";

    assertEquals(List.of(sum), ExpressionScanner.find(sum, 5));
  }

  @Test
  void numbersAloneAreNoExpression() {
    assertEquals(List.of(), ExpressionScanner.find("1 ".repeat(LONGEST / 2), 5));
  }

  private static String hostile(Random random, String alphabet) {
    StringBuilder text = new StringBuilder(LONGEST);
    while (text.length() < LONGEST) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
