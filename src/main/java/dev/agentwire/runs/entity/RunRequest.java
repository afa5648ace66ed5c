package dev.agentwire.runs.entity;

import dev.agentwire.agents.Caller;
import java.util.Map;
import java.util.Set;

/**
 * What a user asks for in {@code start_run}; {@code agent} and {@code threadId} may be null.
 *
 * @param owner the authenticated user, never taken from a message body
 */
public record RunRequest(Caller caller, String input, String agent, String threadId) {

  /** A request of the user with these roles and token claims. */
  public static RunRequest of(
      String owner,
      Set<String> roles,
      Map<String, Object> claims,
      String input,
      String agent,
      String threadId) {
    return new RunRequest(new Caller(owner, roles, claims), input, agent, threadId);
  }

  /** The user's id. */
  public String owner() {
    return caller.name();
  }
}
