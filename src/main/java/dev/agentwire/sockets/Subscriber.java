package dev.agentwire.sockets;

import java.util.List;

/** What {@link UserSessions} delivers a user's stream to: in production, a {@link Connection}. */
interface Subscriber {

  /** Messages that must precede every live one (a resume's replay and its verdict). */
  void begin(List<String> prelude);

  /** One live message; must not block. */
  void send(String json);

  /** How much is waiting to be written to this subscriber, in characters. */
  long backlog();
}
