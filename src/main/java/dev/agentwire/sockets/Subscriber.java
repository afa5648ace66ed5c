package dev.agentwire.sockets;

import java.util.List;

/**
 * What {@link UserSessions} delivers a user's stream to: in production, a {@link Connection}.
 * {@link #begin} and {@link #enqueue} only queue, under the user's lock, which fixes the order;
 * {@link #flush} does the socket work, after the lock is released.
 */
interface Subscriber {

  /** Messages that must precede every live one (a resume's replay and its verdict). */
  void begin(List<String> prelude);

  /** Queues one live message; must not block. */
  void enqueue(String json);

  /** Starts writing what is queued; must not block. */
  void flush();

  /** Marks it as waiting for a flush; false if it already was. */
  boolean markDirty();

  void clearDirty();

  /** How much is waiting to be written to this subscriber, in UTF-8 bytes. */
  long backlog();

  /** Pings the client, or closes the connection when the client has been silent for too long. */
  void heartbeat(long nowNanos);
}
