package dev.agentwire.sockets;

/**
 * What the {@link Flusher} writes for and {@link UserSessions} keeps alive: in production, a {@link
 * Connection}. {@link #flush} does the socket work and never blocks.
 */
interface Subscriber {

  /** Writes what is ready (replies, and events its cursor has not read); must not block. */
  void flush();

  /** Marks it as waiting for a flush; false if it already was. */
  boolean markDirty();

  void clearDirty();

  /**
   * What it has not been sent yet, in UTF-8 bytes: replies, and its user's events it has not read.
   */
  long backlog();

  /** Pings the client, or closes the connection when the client has been silent for too long. */
  void heartbeat(long nowNanos);
}
