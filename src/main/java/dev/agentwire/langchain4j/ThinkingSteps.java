package dev.agentwire.langchain4j;

import java.util.function.Consumer;

/**
 * Turns a model's thinking, which streams in fragments of a few characters, into readable {@code
 * agent_thinking} steps: a step per line, a long line cut after a sentence (or, with no sentence
 * end in four times that, at a space or anywhere), and whatever is left when something else (answer
 * text, a tool call, the end) comes.
 */
final class ThinkingSteps {

  /** A line longer than this is cut after its last sentence end. */
  static final int LONG_STEP = 600;

  private final Consumer<String> step;
  private final StringBuilder pending = new StringBuilder();

  ThinkingSteps(Consumer<String> step) {
    this.step = step;
  }

  void add(String fragment) {
    if (fragment == null || fragment.isEmpty()) {
      return;
    }
    pending.append(fragment);
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      emit(pending.substring(0, newline));
      pending.delete(0, newline + 1);
    }
    while (pending.length() > LONG_STEP) {
      int cut = lastSentenceEnd();
      if (cut < 0 && pending.length() > 4 * LONG_STEP) {
        // No sentence ends in sight (a model's text is anyone's): cut at the last space, or
        // anywhere, so that what waits here stays bounded.
        int space = pending.lastIndexOf(" ");
        cut = space > 0 ? space + 1 : pending.length();
      }
      if (cut <= 0) {
        return;
      }
      emit(pending.substring(0, cut));
      pending.delete(0, cut);
    }
  }

  /** Reports what is pending as a step of its own. */
  void flush() {
    emit(pending.toString());
    pending.setLength(0);
  }

  private int lastSentenceEnd() {
    for (int i = pending.length() - 2; i > 0; i--) {
      char c = pending.charAt(i);
      if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(pending.charAt(i + 1))) {
        return i + 1;
      }
    }
    return -1;
  }

  private void emit(String text) {
    String trimmed = text.strip();
    if (!trimmed.isEmpty()) {
      step.accept(trimmed);
    }
  }
}
