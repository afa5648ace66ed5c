package dev.agentwire.events;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** An agent event as it goes on the wire: the protocol's envelope around the event's data. */
@JsonbPropertyOrder({"type", "id", "runId", "threadId", "seq", "ts", "data"})
public record EventFrame(
    String type, String id, String runId, String threadId, long seq, String ts, Object data) {

  /** Always three fractional digits, which {@code Instant.toString()} does not promise. */
  public static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static EventFrame of(String id, AgentEvent event) {
    return new EventFrame(
        event.type().wireName(),
        id,
        event.runId(),
        event.threadId(),
        event.seq(),
        TIMESTAMP.format(event.createdAt()),
        event.data());
  }
}
