package dev.agentwire.events;

import java.time.Instant;

/**
 * One step of one run, as fired on the CDI event bus; the owner travels with the event so that the
 * bridge to the sockets can route it without anyone passing user ids around by hand.
 *
 * @param data one of the payload records in {@link EventData}
 */
public record AgentEvent(
    String owner,
    String runId,
    String threadId,
    long seq,
    Instant createdAt,
    EventType type,
    Object data) {}
