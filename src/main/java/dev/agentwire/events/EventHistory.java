package dev.agentwire.events;

import java.util.List;
import java.util.function.Function;

/**
 * Each user's recent events, in the order they were published, with the ids that make up the user's
 * stream. Behind this interface so that a clustered implementation can replace the local one
 * without touching the endpoint or the executor.
 *
 * <p>Callers serialize {@link #append} and {@link #replayAfter} per user (the bridge does both
 * under one per-user lock); that is what makes a replay and the live events that follow it meet
 * without a gap or an overlap.
 */
public interface EventHistory {

  /**
   * Stores an event under the given number of the cluster log, in that log's order (numbers only
   * grow). The id is the epoch set with {@link #useEpoch} and the number.
   */
  Stored appendAs(String owner, long number, Function<String, String> serializer);

  /** Issues and accepts ids of this epoch from now on: the cluster log's, shared by all nodes. */
  void useEpoch(String epoch);

  /** An event as stored: its id in its owner's stream and its wire form. */
  record Stored(String id, String json) {}

  /**
   * What a reconnecting client missed: either every event after its last id, in order, or why that
   * cannot be known.
   *
   * @param events the wire forms to replay, when {@code failure} is null
   * @param failure a reason code when the id cannot be resumed from
   */
  record Replay(List<String> events, String failure) {

    public static Replay of(List<String> events) {
      return new Replay(List.copyOf(events), null);
    }

    public static Replay failed(String reason) {
      return new Replay(List.of(), reason);
    }

    public boolean ok() {
      return failure == null;
    }
  }

  /** The reasons a replay fails, as sent in {@code resume_failed}. */
  final class Reasons {
    /** Not an id this server ever issued in that form. */
    public static final String INVALID_ID = "invalid_id";

    /** Issued before this server (re)started: its history is gone. */
    public static final String SERVER_RESTARTED = "server_restarted";

    /** Not an id of this user's stream. */
    public static final String UNKNOWN_ID = "unknown_id";

    /** The events after it are no longer kept. */
    public static final String EXPIRED = "expired";

    private Reasons() {}
  }

  /**
   * Assigns the event its id, has it serialized with that id, and keeps it.
   *
   * @param serializer the wire form of the event, given its id
   */
  Stored append(AgentEvent event, Function<String, String> serializer);

  /** The owner's events after {@code lastEventId}, or why they cannot be replayed. */
  Replay replayAfter(String owner, String lastEventId);
}
