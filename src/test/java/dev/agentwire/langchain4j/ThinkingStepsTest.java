package dev.agentwire.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fragments of a model's reasoning become readable steps, and nothing is lost or invented. */
class ThinkingStepsTest {

  private final List<String> steps = new ArrayList<>();
  private final ThinkingSteps thinking = new ThinkingSteps(steps::add);

  @Test
  void aStepPerLineAndTheRestWhenSomethingElseComes() {
    for (String fragment :
        List.of("The us", "er asks for 17*23", ".\nI will use", " the calc", "ulator.")) {
      thinking.add(fragment);
    }
    assertEquals(List.of("The user asks for 17*23."), steps);
    thinking.flush();
    assertEquals(List.of("The user asks for 17*23.", "I will use the calculator."), steps);
  }

  @Test
  void aLongLineIsCutAfterASentenceAndBlankLinesAreNoSteps() {
    String sentence = "This sentence is part of a long paragraph of reasoning. ";
    for (int i = 0; i < 20; i++) {
      thinking.add(sentence);
    }
    thinking.add("\n\n\n");
    assertTrue(steps.size() >= 2, steps.toString());
    for (String step : steps) {
      assertTrue(step.endsWith("."), step);
      assertTrue(step.length() <= ThinkingSteps.LONG_STEP + sentence.length(), step);
    }
    thinking.flush();
    assertEquals(String.join(" ", steps), (sentence.repeat(20)).strip());
  }

  /** Reasoning with no line or sentence end (hostile, or just odd) is still cut into steps. */
  @Test
  void textWithoutSentencesStaysBounded() {
    String word = "x".repeat(37) + " ";
    for (int i = 0; i < 3_000; i++) {
      thinking.add(word);
    }
    thinking.add("y".repeat(20_000)); // not even a space
    thinking.flush();
    assertTrue(steps.size() > 10, "steps: " + steps.size());
    for (String step : steps.subList(0, steps.size() - 1)) {
      assertTrue(step.length() <= 4 * ThinkingSteps.LONG_STEP + 40, "a step of " + step.length());
    }
    assertEquals(3_000 * 37 + 20_000, String.join("", steps).replace(" ", "").length());
  }

  /** Whatever the fragments, the steps are the text's words in order, none empty. */
  @Test
  void anySplitKeepsEveryWordInOrder() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 1 + random.nextInt(300); w++) {
        text.append("w")
            .append(w)
            .append(random.nextInt(8) == 0 ? ".\n" : random.nextInt(6) == 0 ? ". " : " ");
      }
      List<String> seen = new ArrayList<>();
      ThinkingSteps steps = new ThinkingSteps(seen::add);
      int i = 0;
      while (i < text.length()) {
        int end = Math.min(text.length(), i + 1 + random.nextInt(12));
        steps.add(text.substring(i, end));
        i = end;
      }
      steps.flush();
      seen.forEach(step -> assertTrue(!step.isBlank(), "an empty step"));
      assertEquals(
          List.of(text.toString().trim().split("\\s+")),
          List.of(String.join(" ", seen).split("\\s+")),
          "seed 42, round " + round);
    }
  }
}
