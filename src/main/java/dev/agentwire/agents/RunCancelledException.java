package dev.agentwire.agents;

/** Unwinds an agent whose run was cancelled; the run then ends with status {@code cancelled}. */
public class RunCancelledException extends RuntimeException {

  public RunCancelledException(String runId) {
    super("run " + runId + " was cancelled");
  }
}
