package dev.agentwire.runs.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs and tool calls that waited for a container thread longer than {@code
 * agentwire.pools.wait-warn-ms}: each is logged at WARNING and counted by pool. A starved pool
 * shows up to users as runs that start late and tools that take long, so it must not stay silent;
 * the fix is the pool's size (see server-config/README.md).
 */
@ApplicationScoped
public class PoolWaits {

  static final long DEFAULT_WARN_MS = 2_000;
  private static final Logger LOG = Logger.getLogger(PoolWaits.class.getName());

  /** The container pools AgentWire's work waits for. */
  public enum Pool {
    /** Agent runs: the EJB {@code @Asynchronous} pool. */
    RUNS("runs", "the EJB @Asynchronous thread pool"),
    /** Tool calls: the default {@code ManagedExecutorService}. */
    TOOLS("tools", "the default ManagedExecutorService");

    private final String label;
    private final String description;

    Pool(String label, String description) {
      this.label = label;
      this.description = description;
    }

    /** The value of the {@code pool} label. */
    public String label() {
      return label;
    }
  }

  private final LongAdder runs = new LongAdder();
  private final LongAdder tools = new LongAdder();
  private long warnMs;

  public PoolWaits() {
    this(DEFAULT_WARN_MS);
  }

  PoolWaits(long warnMs) {
    this.warnMs = warnMs;
  }

  @Inject
  void configure(
      @ConfigProperty(name = "agentwire.pools.wait-warn-ms", defaultValue = "2000") long warnMs) {
    if (warnMs <= 0) {
      throw new IllegalArgumentException(
          "agentwire.pools.wait-warn-ms must be positive, not " + warnMs);
    }
    this.warnMs = warnMs;
  }

  /** How long work may wait for a thread before it is reported. */
  public long warnMs() {
    return warnMs;
  }

  /** Reports that {@code what} of run {@code runId} has waited {@code waitedMs} for a thread. */
  public void waited(Pool pool, String what, String runId, long waitedMs) {
    (pool == Pool.RUNS ? runs : tools).increment();
    LOG.warning(
        () ->
            what
                + " of run "
                + runId
                + " has waited "
                + waitedMs
                + " ms for a thread of "
                + pool.description
                + " (more than agentwire.pools.wait-warn-ms="
                + warnMs
                + "): the pool is too small for the load; see server-config/README.md");
  }

  /** Waits reported for the pool since the server started. */
  public long total(Pool pool) {
    return (pool == Pool.RUNS ? runs : tools).sum();
  }
}
