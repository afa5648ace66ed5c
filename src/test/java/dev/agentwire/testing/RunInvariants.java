package dev.agentwire.testing;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventFrame;
import dev.agentwire.sockets.WireFormat;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The protocol's invariants and envelope rules, written once: given every message one connection
 * received, in order, it names each violation. Tests assert that the list is empty.
 */
public final class RunInvariants {

  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  private static final Set<String> EVENT_TYPES =
      Set.of(
          "agent_started",
          "agent_thinking",
          "agent_output_delta",
          "tool_executing",
          "tool_completed",
          "agent_completed");
  private static final Set<String> TOOL_STATUSES = Set.of("ok", "error", "cancelled", "timeout");
  private static final Set<String> RUN_STATUSES = Set.of("succeeded", "failed", "cancelled");

  private static final WireFormat WIRE = new WireFormat(new EventCodec());

  private RunInvariants() {}

  /** The events as a connection would receive them, with ids standing in for the stream's. */
  public static List<JsonObject> onTheWire(List<AgentEvent> events) {
    List<JsonObject> wire = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String json = WIRE.write(EventFrame.of("test-" + i, events.get(i)));
      try (JsonReader reader = Json.createReader(new StringReader(json))) {
        wire.add(reader.readObject());
      }
    }
    return wire;
  }

  /**
   * Checks one connection's stream.
   *
   * @param requireComplete whether every run seen must have completed
   */
  public static List<String> violations(List<JsonObject> stream, boolean requireComplete) {
    List<String> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Map<String, RunState> runs = new LinkedHashMap<>();
    for (JsonObject message : stream) {
      String type = message.getString("type", null);
      if (!EVENT_TYPES.contains(type)) {
        continue;
      }
      String where = type + " " + message;
      for (String field : List.of("id", "run_id", "thread_id", "ts")) {
        if (!(message.get(field) instanceof jakarta.json.JsonString)) {
          problems.add("missing string " + field + ": " + where);
        }
      }
      if (!message.containsKey("seq")
          || message.get("seq").getValueType() != JsonValue.ValueType.NUMBER) {
        problems.add("missing seq: " + where);
        continue;
      }
      if (!(message.get("data") instanceof JsonObject data)) {
        problems.add("missing data object: " + where);
        continue;
      }
      if (!ids.add(message.getString("id", ""))) {
        problems.add("duplicate id: " + where);
      }
      if (!TIMESTAMP.matcher(message.getString("ts", "")).matches()) {
        problems.add("ts is not ISO-8601 UTC with milliseconds: " + where);
      }
      String runId = message.getString("run_id", "?");
      RunState run = runs.computeIfAbsent(runId, id -> new RunState());
      run.check(
          type, message.getInt("seq"), message.getString("thread_id", ""), data, where, problems);
    }
    if (requireComplete) {
      runs.forEach(
          (runId, run) -> {
            if (!run.completed) {
              problems.add("run " + runId + " never completed");
            }
          });
    }
    return problems;
  }

  private static final class RunState {
    int lastSeq;
    boolean completed;
    String threadId;
    final Map<String, Boolean> callsOpen = new HashMap<>();
    final StringBuilder deltas = new StringBuilder();

    void check(
        String type, int seq, String thread, JsonObject data, String where, List<String> problems) {
      if (completed) {
        problems.add("event after agent_completed: " + where);
      }
      if (seq != lastSeq + 1) {
        problems.add("seq " + seq + " follows " + lastSeq + ": " + where);
      }
      lastSeq = seq;
      if (seq == 1 && !type.equals("agent_started")) {
        problems.add("first event is not agent_started: " + where);
      }
      if (seq != 1 && type.equals("agent_started")) {
        problems.add("agent_started is not first: " + where);
      }
      if (threadId == null) {
        threadId = thread;
      } else if (!threadId.equals(thread)) {
        problems.add("thread_id changed within the run: " + where);
      }
      switch (type) {
        case "agent_started" -> {
          requireString(data, "agent", where, problems);
          requireString(data, "input", where, problems);
        }
        case "agent_thinking" -> requireString(data, "text", where, problems);
        case "agent_output_delta" -> {
          requireString(data, "delta", where, problems);
          if (data.get("delta") instanceof jakarta.json.JsonString delta) {
            deltas.append(delta.getString());
          }
        }
        case "tool_executing" -> {
          requireString(data, "tool", where, problems);
          if (!(data.get("arguments") instanceof JsonObject)) {
            problems.add("tool_executing without an arguments object: " + where);
          }
          String callId = data.getString("call_id", null);
          if (callId == null) {
            problems.add("tool_executing without call_id: " + where);
          } else if (callsOpen.put(callId, Boolean.TRUE) != null) {
            problems.add("call_id used twice: " + where);
          }
        }
        case "tool_completed" -> {
          String callId = data.getString("call_id", null);
          if (callId == null || !Boolean.TRUE.equals(callsOpen.get(callId))) {
            problems.add("tool_completed without an open tool_executing: " + where);
          } else {
            callsOpen.put(callId, Boolean.FALSE);
          }
          requireString(data, "tool", where, problems);
          String status = data.getString("status", "");
          if (!TOOL_STATUSES.contains(status)) {
            problems.add("bad tool status: " + where);
          }
          if (status.equals("ok")
              ? !data.containsKey("result")
              : !(data.get("error") instanceof jakarta.json.JsonString)) {
            problems.add("tool_completed lacks its result or error: " + where);
          }
          requireNumber(data, "duration_ms", where, problems);
        }
        case "agent_completed" -> {
          completed = true;
          callsOpen.forEach(
              (callId, open) -> {
                if (open) {
                  problems.add("agent_completed while " + callId + " is still open: " + where);
                }
              });
          String status = data.getString("status", "");
          if (!RUN_STATUSES.contains(status)) {
            problems.add("bad run status: " + where);
          }
          if (status.equals("succeeded")) {
            requireString(data, "output", where, problems);
            // v1.1: a streamed answer's output is the whole answer, its deltas in order.
            if (!deltas.isEmpty()
                && data.get("output") instanceof jakarta.json.JsonString output
                && !output.getString().equals(deltas.toString())) {
              problems.add("output is not the concatenation of the run's deltas: " + where);
            }
          }
          if (status.equals("failed")
              && !(data.get("error") instanceof JsonObject error
                  && error.get("code") instanceof jakarta.json.JsonString
                  && error.get("message") instanceof jakarta.json.JsonString)) {
            problems.add("failed run without error.code and error.message: " + where);
          }
          requireNumber(data, "duration_ms", where, problems);
        }
        default -> problems.add("unknown event type: " + where);
      }
    }

    private static void requireString(
        JsonObject data, String field, String where, List<String> problems) {
      if (!(data.get(field) instanceof jakarta.json.JsonString)) {
        problems.add("data." + field + " missing: " + where);
      }
    }

    private static void requireNumber(
        JsonObject data, String field, String where, List<String> problems) {
      if (!(data.get(field) instanceof jakarta.json.JsonNumber)) {
        problems.add("data." + field + " missing: " + where);
      }
    }
  }
}
