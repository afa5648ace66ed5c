package dev.agentwire.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.events.UserHash;
import dev.agentwire.testing.Await;
import dev.agentwire.testing.RawWebSocket;
import dev.agentwire.testing.ReadmeServer;
import dev.agentwire.testing.RunInvariants;
import dev.agentwire.testing.WireClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The scenario a user meets, at the default settings, against the WAR started as the README's run
 * command starts it: one of a user's tabs stops reading (a laptop lid closed on an open socket)
 * while another keeps reading, and the user's agents write more than 32 MiB of events, with tool
 * calls. The stalled tab is closed in the end; resuming from the last event it processed, it gets
 * every event it missed, exactly once, in order: the same stream the other tab saw.
 */
@Execution(ExecutionMode.CONCURRENT) // mostly waits out the idle timeout: runs beside other ITs
class StalledTabResumesIT {

  private static final int PORT = 18281;
  private static final long TARGET_BYTES = 32L * 1024 * 1024 + 1;
  private static final String TEXT = "x".repeat(7_000);

  /** About 35 KB of events per run: its input, a thought, a tool call's arguments and result. */
  private static final String SCRIPT =
      "{\"steps\":[{\"think\":\""
          + TEXT
          + "\"},{\"tool\":\"echo\",\"arguments\":{\"t\":\""
          + TEXT
          + "\"}}],\"output\":\"done\"}";

  /**
   * Runs are paced so that the 32 MiB take most of a minute: the idle timeout (45 s, checked at
   * each 15 s ping) closes the stalled tab while they are written or soon after, within one read
   * timeout of the reading's end.
   */
  private static final long RUN_EVERY_MS = 55;

  @Test
  void aStalledTabResumesWithEveryEventItMissed() throws Exception {
    try (ReadmeServer server = ReadmeServer.start(PORT, "stalled-tab", Duration.ofMinutes(3));
        WireClient reading = WireClient.connect(server.base(), "lid");
        RawWebSocket stalled = RawWebSocket.connect(server.base(), "lid", 8 * 1024)) {
      long bytes = runUntil(reading);
      List<JsonObject> everything = reading.events();
      assertTrue(bytes >= TARGET_BYTES, "the agents wrote " + bytes + " bytes of events");

      // The stalled tab never answered a ping: the idle timeout closes it, while the agents were
      // writing or just after (the server logs it). Only then does it read again: reading (still
      // answering no ping), it gets what was on its way
      // before
      // that, then the close frame.
      String lid = "of user " + UserHash.of("lid"); // logs name users by a hash
      Await.until(
          () -> server.logText().contains(lid + ": silent for "),
          Duration.ofSeconds(90),
          "the idle timeout to close the stalled tab");
      RawWebSocket.Received tail = stalled.readUntilClose(false);
      // A close frame behind data the client never read may not get through: then the server
      // drops the connection. Either way, the server closed it as idle, not as overtaken.
      assertTrue(
          tail.closeCode() == 1001 || tail.closeCode() == RawWebSocket.DROPPED,
          "closed with " + tail.closeCode());
      assertFalse(server.logText().contains(lid + " (1013)"), "not overtaken by retention");
      List<JsonObject> seen = new ArrayList<>();
      for (String line : tail.messages()) {
        JsonObject message = parse(line);
        if (message.containsKey("seq")) {
          seen.add(message);
        }
      }
      assertTrue(seen.size() < everything.size(), "the stalled tab missed events");
      String lastSeen = seen.isEmpty() ? null : seen.get(seen.size() - 1).getString("id");

      try (WireClient back =
          lastSeen == null
              ? WireClient.connect(server.base(), "lid")
              : WireClient.resume(server.base(), "lid", lastSeen)) {
        JsonObject resumed =
            back.await(
                m ->
                    "resumed".equals(m.getString("type"))
                        || "resume_failed".equals(m.getString("type")),
                "the resume's outcome");
        assertEquals("resumed", resumed.getString("type"), resumed.toString());
        List<JsonObject> whole = new ArrayList<>(seen);
        whole.addAll(back.events());
        assertEquals(ids(everything), ids(whole), "the same stream as the tab that kept reading");
        assertEquals(List.of(), RunInvariants.violations(whole, true));
      }
    }
  }

  /**
   * Starts runs, one every {@link #RUN_EVERY_MS} and at most five at once (the default limit),
   * until the reading tab has received {@link #TARGET_BYTES} of events and every run has completed;
   * returns the bytes received.
   */
  private static long runUntil(WireClient reading) throws InterruptedException {
    Deque<String> inFlight = new ArrayDeque<>();
    long bytes = 0;
    int started = 0;
    long start = System.nanoTime();
    while (bytes < TARGET_BYTES || !inFlight.isEmpty()) {
      if (bytes < TARGET_BYTES && inFlight.size() < 5) {
        long due = start + TimeUnit.MILLISECONDS.toNanos(RUN_EVERY_MS * started);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
        inFlight.add(reading.startScript("r" + started++, SCRIPT));
        continue;
      }
      for (JsonObject event : reading.runEvents(inFlight.removeFirst())) {
        bytes += event.toString().length();
      }
    }
    return bytes;
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(m -> m.getString("id")).toList();
  }

  private static JsonObject parse(String json) {
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
