package dev.agentwire.agents;

import java.util.Locale;

/** The statuses of {@code tool_completed}. */
public enum ToolStatus {
  OK,
  ERROR,
  CANCELLED,
  TIMEOUT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
