package dev.agentwire.runs.entity;

/**
 * What a user asks for in {@code start_run}; {@code agent} and {@code threadId} may be null.
 *
 * @param owner the authenticated user, never taken from a message body
 */
public record RunRequest(String owner, String input, String agent, String threadId) {}
