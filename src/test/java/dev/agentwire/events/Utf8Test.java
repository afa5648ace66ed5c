package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.HostileFrames;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Text without a UTF-8 form is told apart, repaired to U+FFFD, and measured in the bytes it takes:
 * checked against the JDK's own strict UTF-8 encoder on thousands of generated strings drawn from
 * every UTF-16 unit (seeded, so a failure replays).
 */
class Utf8Test {

  private static final int TRIES = 5_000;

  /** Any UTF-16 units at all, surrogate halves included, in any order; the same on every run. */
  private static List<String> anyUtf16() {
    HostileFrames generator = new HostileFrames(20261202);
    return IntStream.range(0, TRIES).mapToObj(i -> generator.text(40)).toList();
  }

  private static boolean strictlyEncodable(String text) {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      encoder.encode(CharBuffer.wrap(text));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void wellFormedMeansTheStrictEncoderTakesIt() {
    int malformed = 0;
    for (String text : anyUtf16()) {
      assertEquals(strictlyEncodable(text), Utf8.isWellFormed(text), () -> describe(text));
      malformed += Utf8.isWellFormed(text) ? 0 : 1;
    }
    assertTrue(malformed > TRIES / 4, "the generator makes malformed text often: " + malformed);
  }

  @Test
  void repairedTextIsAlwaysEncodableAndKeepsItsLength() {
    for (String text : anyUtf16()) {
      String repaired = Utf8.wellFormed(text);

      assertTrue(strictlyEncodable(repaired), () -> describe(text));
      assertEquals(text.length(), repaired.length(), "one unit replaced by one unit");
      String expected =
          text.codePoints()
              .map(cp -> Character.isSurrogate((char) cp) && cp < 0x10000 ? 0xFFFD : cp)
              .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
              .toString();
      assertEquals(expected, repaired, () -> "pairs kept, lone halves replaced: " + describe(text));
    }
  }

  @Test
  void lengthIsTheNumberOfUtf8Bytes() {
    for (String text : anyUtf16()) {
      ByteBuffer encoded = StandardCharsets.UTF_8.encode(Utf8.wellFormed(text));
      assertEquals(encoded.remaining(), Utf8.length(text), () -> describe(text));
    }
  }

  private static String describe(String text) {
    return text.chars().mapToObj(c -> String.format("%04x", c)).toList().toString();
  }

  @Test
  void aLoneSurrogateIsNotWellFormedAndBecomesTheReplacementCharacter() {
    assertFalse(Utf8.isWellFormed("\uD800"));
    assertFalse(Utf8.isWellFormed("a\uDC00b"));
    assertFalse(Utf8.isWellFormed("\uDC00\uD800"), "a pair in the wrong order");
    assertEquals("a\uFFFDb", Utf8.wellFormed("a\uD800b"));
    assertEquals("\uFFFD\uFFFD", Utf8.wellFormed("\uDC00\uD800"));
  }

  @Test
  void wellFormedTextIsReturnedAsItIs() {
    String text = "plain, \u00e9t\u00e9, \uD83D\uDE00 and \u20ac";
    assertTrue(Utf8.isWellFormed(text));
    assertSame(text, Utf8.wellFormed(text));
  }

  @Test
  void bytesAreCountedPerCodePoint() {
    assertEquals(1, Utf8.length("a"));
    assertEquals(2, Utf8.length("\u00e9"));
    assertEquals(3, Utf8.length("\u20ac"));
    assertEquals(4, Utf8.length("\uD83D\uDE00"));
    assertEquals(3, Utf8.length("\uD800"), "as the U+FFFD it is sent as");
  }
}
