package dev.agentwire.events;

/** The agent event types of protocol v1, with their wire names. */
public enum EventType {
  AGENT_STARTED("agent_started"),
  AGENT_THINKING("agent_thinking"),
  AGENT_OUTPUT_DELTA("agent_output_delta"),
  TOOL_EXECUTING("tool_executing"),
  TOOL_COMPLETED("tool_completed"),
  AGENT_COMPLETED("agent_completed");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
