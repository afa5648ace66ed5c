package dev.agentwire.events;

/** Why a resume cannot be served, as the codes sent in {@code resume_failed}. */
public final class ResumeFailures {

  /** Not an id this server ever issued in that form. */
  public static final String INVALID_ID = "invalid_id";

  /** Issued by an earlier log (the server restarted, or every node of the cluster did). */
  public static final String SERVER_RESTARTED = "server_restarted";

  /** Not an id of this user's stream. */
  public static final String UNKNOWN_ID = "unknown_id";

  /** Events after it are no longer kept. */
  public static final String EXPIRED = "expired";

  private ResumeFailures() {}
}
