package dev.agentwire.agents;

/** Thrown by an agent to end its run as {@code failed} with a code and message the user sees. */
public class AgentFailure extends Exception {

  private final String code;

  public AgentFailure(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
