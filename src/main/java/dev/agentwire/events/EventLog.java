package dev.agentwire.events;

import java.util.function.Consumer;

/**
 * The one seam between producing events and delivering them: one ordered log of every user's
 * events. Appending gives an event its number, its id and its wire form, in exactly one place, and
 * keeps it; readers read through {@link Cursor}s, positions in their user's stream. One
 * implementation keeps the log in this server; the cluster's keeps it on the data grid, read by
 * every node in the same order. Delivery is the same for both.
 */
public interface EventLog {

  /**
   * Appends the event to its owner's stream; the listener then hears of the owner (for a log shared
   * by a cluster, once every node's copy has it, on each node).
   */
  void append(AgentEvent event);

  /**
   * A cursor into the owner's stream: after {@code lastEventId} when that can be resumed from (its
   * replay first), else at the end, for what comes from now on, with the reason ({@link
   * Cursor#failure()}) when an id was given.
   */
  Cursor open(String owner, String lastEventId);

  /** Sets the one listener told the owner of every event appended, once it can be read. */
  void listen(Consumer<String> owners);

  /** What this server keeps of the log, for what operators read of it (sizes, users, counts). */
  EventStore store();
}
