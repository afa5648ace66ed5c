package dev.agentwire.runs.boundary;

/**
 * Runs in progress on other servers of a cluster, as far as this server can act on them. Who knows
 * them (the cluster support) implements it; on a single server there are none.
 */
public interface RemoteRuns {

  /**
   * Asks the server running a run of this owner to cancel it; false when no such run is in progress
   * anywhere else (for this owner: another user's run is answered as if it did not exist).
   */
  boolean cancel(String owner, String runId);
}
