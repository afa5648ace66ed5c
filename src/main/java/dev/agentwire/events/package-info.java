/**
 * The agent event model: the five event types of protocol v1, their payloads, and the per-run
 * {@link dev.agentwire.events.RunNotifier} through which agent code reports what it does. Events
 * leave this package as CDI events ({@link dev.agentwire.events.AgentEvent}); who receives them is
 * not this package's concern.
 */
package dev.agentwire.events;
