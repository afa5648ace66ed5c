package dev.agentwire.runs.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs and tool calls that waited for a container thread longer than {@code
 * agentwire.pools.wait-warn-ms}: each is counted by pool, and logged at WARNING, at most once per
 * pool every {@link #LOG_EVERY_MS} (the next warning says how many waited meanwhile). A starved
 * pool shows up to users as runs that start late and tools that take long, so it must not stay
 * silent; but a pool starved under load starves thousands of runs a second, and a warning for each
 * (35,000 lines in 20 s in the benchmark's overload) would add to the load it reports. The fix is
 * the pool's size (see server-config/README.md).
 */
@ApplicationScoped
public class PoolWaits {

  static final long DEFAULT_WARN_MS = 2_000;

  /** At most one warning per pool in this time; the waits between are counted, then summed up. */
  static final long LOG_EVERY_MS = 10_000;

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

  /** Per pool: waits counted, the time of the last warning, waits not logged since. */
  private static final class Waits {
    final LongAdder total = new LongAdder();
    final AtomicLong lastLogged;
    final LongAdder unlogged = new LongAdder();

    Waits(long now) {
      lastLogged = new AtomicLong(now - TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS)); // log at once
    }
  }

  private final Waits runs;
  private final Waits tools;
  private final LongSupplier nanoTime;
  private long warnMs;

  public PoolWaits() {
    this(DEFAULT_WARN_MS);
  }

  PoolWaits(long warnMs) {
    this(warnMs, System::nanoTime);
  }

  PoolWaits(long warnMs, LongSupplier nanoTime) {
    this.warnMs = warnMs;
    this.nanoTime = nanoTime;
    this.runs = new Waits(nanoTime.getAsLong());
    this.tools = new Waits(nanoTime.getAsLong());
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
    Waits waits = waits(pool);
    waits.total.increment();
    long now = nanoTime.getAsLong();
    long last = waits.lastLogged.get();
    boolean due = now - last >= TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS);
    if (!due || !waits.lastLogged.compareAndSet(last, now)) {
      waits.unlogged.increment();
      return;
    }
    long meanwhile = waits.unlogged.sumThenReset();
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
                + "): the pool is too small for the load; see server-config/README.md"
                + (meanwhile > 0
                    ? ". " + meanwhile + " more waited that long since the last such warning"
                    : "")
                + ". Further waits in the next "
                + LOG_EVERY_MS / 1000
                + " s are counted (agentwire_pool_waits_total{pool=\""
                + pool.label
                + "\"}), not logged one by one");
  }

  /** Waits reported for the pool since the server started. */
  public long total(Pool pool) {
    return waits(pool).total.sum();
  }

  private Waits waits(Pool pool) {
    return pool == Pool.RUNS ? runs : tools;
  }
}
