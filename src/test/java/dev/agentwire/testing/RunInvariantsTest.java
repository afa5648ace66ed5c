package dev.agentwire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The invariant checker finds each kind of violation, and only violations. */
class RunInvariantsTest {

  private static final String TS = "2026-11-26T04:12:49.120Z";

  private static JsonObject event(String id, String run, int seq, String type, String data) {
    return Json.createReader(
            new StringReader(
                "{\"type\":\""
                    + type
                    + "\",\"id\":\""
                    + id
                    + "\",\"run_id\":\""
                    + run
                    + "\",\"thread_id\":\"t-1\",\"seq\":"
                    + seq
                    + ",\"ts\":\""
                    + TS
                    + "\",\"data\":"
                    + data
                    + "}"))
        .readObject();
  }

  private static List<JsonObject> goodRun(String run, int firstId) {
    List<JsonObject> events = new ArrayList<>();
    events.add(event("e" + firstId, run, 1, "agent_started", "{\"agent\":\"a\",\"input\":\"i\"}"));
    events.add(event("e" + (firstId + 1), run, 2, "agent_thinking", "{\"text\":\"hm\"}"));
    events.add(
        event(
            "e" + (firstId + 2),
            run,
            3,
            "tool_executing",
            "{\"call_id\":\"c-1\",\"tool\":\"echo\",\"arguments\":{}}"));
    events.add(
        event(
            "e" + (firstId + 3),
            run,
            4,
            "tool_completed",
            "{\"call_id\":\"c-1\",\"tool\":\"echo\",\"status\":\"ok\",\"result\":{},\"duration_ms\":1}"));
    events.add(
        event(
            "e" + (firstId + 4),
            run,
            5,
            "agent_completed",
            "{\"status\":\"succeeded\",\"output\":\"o\",\"duration_ms\":2}"));
    return events;
  }

  @Test
  void aCorrectStreamHasNoViolations() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.addAll(goodRun("r-2", 10));
    stream.add(Json.createObjectBuilder().add("type", "pong").build());
    assertEquals(List.of(), RunInvariants.violations(stream, true));
  }

  @Test
  void interleavedRunsAreCheckedSeparately() {
    List<JsonObject> a = goodRun("r-1", 0);
    List<JsonObject> b = goodRun("r-2", 10);
    List<JsonObject> stream = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      stream.add(a.get(i));
      stream.add(b.get(i));
    }
    assertEquals(List.of(), RunInvariants.violations(stream, true));
  }

  @Test
  void anIncompleteRunIsReportedOnlyWhenCompletionIsRequired() {
    List<JsonObject> stream = goodRun("r-1", 0).subList(0, 2);
    assertEquals(List.of(), RunInvariants.violations(stream, false));
    assertContains(RunInvariants.violations(stream, true), "never completed");
  }

  @Test
  void aSeqGapIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.remove(1);
    assertContains(RunInvariants.violations(stream, true), "seq 3 follows 1");
  }

  @Test
  void outOfOrderEventsAreReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.add(1, stream.remove(2));
    assertContains(RunInvariants.violations(stream, true), "seq 3 follows 1");
  }

  @Test
  void anEventAfterCompletionIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.add(event("late", "r-1", 6, "agent_thinking", "{\"text\":\"late\"}"));
    assertContains(RunInvariants.violations(stream, true), "after agent_completed");
  }

  @Test
  void aToolCallLeftOpenIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.remove(3);
    stream.set(
        3,
        event(
            "e4",
            "r-1",
            4,
            "agent_completed",
            "{\"status\":\"succeeded\",\"output\":\"o\",\"duration_ms\":2}"));
    assertContains(RunInvariants.violations(stream, true), "still open");
  }

  @Test
  void aCompletionWithoutExecutionIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.remove(2);
    stream.set(
        2,
        event(
            "e3",
            "r-1",
            3,
            "tool_completed",
            "{\"call_id\":\"c-9\",\"tool\":\"echo\",\"status\":\"ok\",\"result\":{},\"duration_ms\":1}"));
    assertContains(RunInvariants.violations(stream, false), "without an open tool_executing");
  }

  @Test
  void aRunNotStartingWithAgentStartedIsReported() {
    List<JsonObject> stream = List.of(event("x", "r-1", 1, "agent_thinking", "{\"text\":\"hm\"}"));
    assertContains(RunInvariants.violations(stream, false), "first event is not agent_started");
  }

  @Test
  void aTimestampWithoutMillisecondsIsReported() {
    JsonObject bad =
        Json.createObjectBuilder(goodRun("r-1", 0).get(0))
            .add("ts", "2026-11-26T04:12:49.12Z")
            .build();
    assertContains(RunInvariants.violations(List.of(bad), false), "ts is not");
  }

  @Test
  void aDuplicateIdIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.addAll(goodRun("r-2", 4));
    assertContains(RunInvariants.violations(stream, true), "duplicate id");
  }

  @Test
  void aFailedRunWithoutErrorIsReported() {
    List<JsonObject> stream = new ArrayList<>(goodRun("r-1", 0));
    stream.set(
        4, event("e4", "r-1", 5, "agent_completed", "{\"status\":\"failed\",\"duration_ms\":2}"));
    assertContains(RunInvariants.violations(stream, true), "failed run without error");
  }

  private static void assertContains(List<String> violations, String fragment) {
    assertTrue(
        violations.stream().anyMatch(v -> v.contains(fragment)),
        "expected a violation containing '" + fragment + "' in " + violations);
  }
}
