package dev.agentwire.agents;

import java.util.Map;
import java.util.Set;

/**
 * Who started a run, as their token said: the user's name, their roles (from the configured roles
 * claim) and every claim of the token, for tools that call other systems on the user's behalf.
 * Never a token itself.
 */
public record Caller(String name, Set<String> roles, Map<String, Object> claims) {

  public Caller {
    roles = Set.copyOf(roles);
    claims = Map.copyOf(claims);
  }

  /** A caller known by name only (the container's principal, or tests). */
  public static Caller named(String name) {
    return new Caller(name, Set.of(), Map.of());
  }
}
