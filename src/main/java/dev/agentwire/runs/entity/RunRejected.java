package dev.agentwire.runs.entity;

import java.util.Locale;

/** A request about runs that cannot be honoured, with the protocol's error code. */
public class RunRejected extends Exception {

  /** The reasons, named as the protocol's error codes. */
  public enum Reason {
    UNKNOWN_AGENT,
    THREAD_NOT_FOUND,
    RUN_NOT_FOUND,
    TOO_MANY_RUNS,
    FORBIDDEN;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public RunRejected(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
