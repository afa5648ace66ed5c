package dev.agentwire.events;

/**
 * Java strings are UTF-16 and may hold an unpaired surrogate, which has no UTF-8 form: the
 * container's encoder throws {@link Error} on one, and a JSON parser makes one from the escape
 * {@code "\ud800"}. This is where AgentWire tells well-formed text from such strings, repairs text
 * it produces, and measures text in the bytes it takes on the wire.
 */
public final class Utf8 {

  /** What an unpaired surrogate becomes in text the server produces. */
  public static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

  /** Whether every surrogate in {@code text} is half of a pair, so that it has a UTF-8 form. */
  public static boolean isWellFormed(String text) {
    return firstUnpaired(text) < 0;
  }

  /** {@code text} with every unpaired surrogate replaced by U+FFFD; the same instance if none. */
  public static String wellFormed(String text) {
    int at = firstUnpaired(text);
    if (at < 0) {
      return text;
    }
    char[] chars = text.toCharArray();
    for (int i = at; i < chars.length; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c) && i + 1 < chars.length && isLow(chars[i + 1])) {
        i++; // a pair: keep both halves
      } else if (Character.isSurrogate(c)) {
        chars[i] = REPLACEMENT;
      }
    }
    return new String(chars);
  }

  /** The number of bytes {@code text} takes in UTF-8 (an unpaired surrogate counts as U+FFFD). */
  public static long length(String text) {
    long bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && isLow(text.charAt(i + 1))) {
        bytes += 2; // two chars, four bytes
        i++;
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }

  /** The index of the first unpaired surrogate, or -1. */
  private static int firstUnpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && isLow(text.charAt(i + 1))) {
        i++;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean isLow(char c) {
    return Character.isLowSurrogate(c);
  }
}
