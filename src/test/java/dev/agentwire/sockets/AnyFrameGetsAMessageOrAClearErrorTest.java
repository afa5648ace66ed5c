package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentwire.events.EventCodec;
import dev.agentwire.events.Utf8;
import dev.agentwire.sockets.ServerMessages.ErrorReply;
import dev.agentwire.testing.HostileFrames;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whatever a client puts in a frame, reading it gives a message or a {@link ProtocolError}, never
 * anything else, and nothing that comes back, the error's message and echoed request id included,
 * lacks a UTF-8 form: the properties behind "a bad message never closes the connection" and "the
 * server only sends valid UTF-8", over 20,000 generated frames (seeded, so a failure replays).
 */
class AnyFrameGetsAMessageOrAClearErrorTest {

  private static final int FRAMES = 20_000;
  private final WireFormat wire = new WireFormat(new EventCodec());

  @Test
  void everyFrameIsAMessageOrAProtocolErrorWithValidText() {
    HostileFrames frames = new HostileFrames(42);
    Map<String, Integer> outcomes = new HashMap<>();
    for (int i = 0; i < FRAMES; i++) {
      String frame = frames.frame();
      String outcome;
      try {
        ClientMessage message = wire.read(frame);
        assertValid(message, frame);
        outcome = message.getClass().getSimpleName();
      } catch (ProtocolError e) {
        String reply = wire.write(new ErrorReply(e.requestId(), e.code(), e.getMessage()));
        assertTrue(Utf8.isWellFormed(reply), () -> "reply to frame " + frame);
        assertTrue(reply.indexOf('\n') < 0, "no raw newline in a reply (JSON Lines)");
        outcome = e.code();
      } catch (RuntimeException | Error e) {
        fail("frame " + frame.substring(0, Math.min(200, frame.length())) + " threw", e);
        return;
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    // The generator reaches every kind of outcome, or the test would prove little.
    for (String expected :
        new String[] {
          "StartRun", "CancelRun", "Ping", "invalid_json", "invalid_message", "unknown_type"
        }) {
      assertTrue(outcomes.getOrDefault(expected, 0) > 50, () -> expected + " in " + outcomes);
    }
  }

  private static void assertValid(ClientMessage message, String frame) {
    assertTrue(message.requestId() == null || Utf8.isWellFormed(message.requestId()), () -> frame);
    if (message instanceof ClientMessage.StartRun start) {
      assertTrue(Utf8.isWellFormed(start.input()), () -> frame);
      assertTrue(start.threadId() == null || Utf8.isWellFormed(start.threadId()), () -> frame);
      assertTrue(start.agent() == null || Utf8.isWellFormed(start.agent()), () -> frame);
    } else if (message instanceof ClientMessage.CancelRun cancel) {
      assertTrue(Utf8.isWellFormed(cancel.runId()), () -> frame);
    }
  }
}
