/**
 * The WebSocket side: the {@code /ws} endpoint (one instance per connection), the wire format, and
 * {@link dev.agentwire.sockets.UserSessions}, the one observer that routes agent events to every
 * open connection of their owner through each connection's ordered, bounded outbox.
 */
package dev.agentwire.sockets;
