package dev.agentwire.events;

import java.util.Locale;

/** How a run ended, as {@code agent_completed} says it. */
public enum RunStatus {
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
