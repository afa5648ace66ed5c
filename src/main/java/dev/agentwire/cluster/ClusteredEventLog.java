package dev.agentwire.cluster;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.Cursor;
import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventLog;
import dev.agentwire.events.EventStore;
import dev.agentwire.events.EventType;
import dev.agentwire.events.Utf8;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The event log of a cluster: appending puts the event into the {@link ClusterLog} that every node
 * reads in the same order; each node's reader then keeps it in this node's {@link EventStore} under
 * its number in that log, and only then can it be read. So an id means the same event on every
 * node, and a client resumes on any of them. A reader that fell behind the log marks the gap in the
 * store: a cursor or a resume from before it is told {@code expired}, never served across a hole.
 */
final class ClusteredEventLog implements EventLog {

  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

  private final ClusterLog log;
  private final EventStore store;
  private final EventCodec codec;
  private volatile Consumer<String> listener = owner -> {};

  ClusteredEventLog(ClusterLog log, EventStore store, EventCodec codec) {
    this.log = log;
    this.store = store;
    this.codec = codec;
  }

  @Override
  public void append(AgentEvent event) {
    // Text in it comes from agent code (the data, a call's tool name): valid Unicode first.
    log.append(
        Utf8.wellFormed(
            JSON.createObjectBuilder()
                .add("k", "event")
                .add("o", event.owner())
                .add("r", event.runId())
                .add("t", event.threadId())
                .add("s", event.seq())
                .add("c", event.createdAt().toEpochMilli())
                .add("y", event.type().name())
                .add("call", ClusterSupport.callOf(event))
                .add("m", log.member())
                .add("d", codec.write(event.data()))
                .build()
                .toString()));
  }

  /** An event entry read from the cluster log: kept under its number there, then announced. */
  void stored(long number, JsonObject entry) {
    String owner = entry.getString("o");
    JsonValue data;
    try (var reader = READERS.createReader(new StringReader(entry.getString("d")))) {
      data = reader.readValue();
    }
    AgentEvent event =
        new AgentEvent(
            owner,
            entry.getString("r"),
            entry.getString("t"),
            entry.getJsonNumber("s").longValue(),
            Instant.ofEpochMilli(entry.getJsonNumber("c").longValue()),
            EventType.valueOf(entry.getString("y")),
            data);
    store.append(owner, () -> number, n -> codec.frame(store.id(n), event));
    listener.accept(owner);
  }

  /** The reader fell behind: entries up to this number were dropped unread. */
  void gap(long upTo) {
    store.gap(upTo);
  }

  @Override
  public Cursor open(String owner, String lastEventId) {
    return store.open(owner, lastEventId);
  }

  @Override
  public void listen(Consumer<String> owners) {
    listener = owners;
  }

  @Override
  public EventStore store() {
    return store;
  }
}
