package dev.agentwire.operations;

import dev.agentwire.cluster.ClusterSupport;
import dev.agentwire.runs.boundary.RunExecutor;
import dev.agentwire.sockets.Flusher;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the health endpoints check.
 *
 * <ul>
 *   <li>Live: the writer thread is alive and not stuck: the oldest write still to be done has
 *       waited less than {@code agentwire.ws.writer-stall-ms}.
 *   <li>Ready: runs can start: a probe on the threads runs execute on, and one on the threads tools
 *       run on, each completed within {@code agentwire.health.probe-timeout-ms} the last time (they
 *       run every two seconds; a result too old counts as failed); in a cluster, this node is a
 *       member of the grid and its reader is less than {@code agentwire.health.max-cluster-lag}
 *       entries behind the log.
 * </ul>
 */
@ApplicationScoped
public class HealthChecks {

  private static final Logger LOG = Logger.getLogger(HealthChecks.class.getName());
  private static final long PROBE_EVERY_MS = 2_000;

  /** One check's verdict, with what it measured. */
  public record Check(String name, boolean up, Map<String, Object> data) {}

  @Inject Flusher flusher;
  @Inject RunExecutor executor;
  @Inject ClusterSupport cluster;
  @Resource ManagedExecutorService tools;
  @Resource ManagedScheduledExecutorService scheduler;

  @Inject
  @ConfigProperty(name = "agentwire.health.probe-timeout-ms", defaultValue = "2000")
  long probeTimeoutMs;

  @Inject
  @ConfigProperty(name = "agentwire.health.max-cluster-lag", defaultValue = "10000")
  long maxClusterLag;

  public List<Check> liveness() {
    long oldest = flusher.oldestPendingMs();
    boolean alive = flusher.alive();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("alive", alive);
    data.put("oldest_pending_ms", oldest);
    data.put("stall_bound_ms", flusher.stallMs());
    data.put("restarts", flusher.restarts());
    boolean up = alive && oldest < flusher.stallMs();
    if (!up) {
      LOG.warning(
          () ->
              "liveness: the writer is "
                  + (alive ? "stalled: its oldest write waited " + oldest + " ms" : "not running"));
    }
    return List.of(new Check("agentwire-writer", up, data));
  }

  /** What the last probe of the executors found, and when. */
  private record Probed(long runThreadsMs, long toolThreadsMs, long atNanos) {}

  private volatile Probed probed;
  private ScheduledFuture<?> probing;

  /**
   * The executors are probed every two seconds from the application's own scheduled thread: a probe
   * submitted from whatever thread asks (the server's health endpoint has no application context)
   * would measure that thread's context, not the executors.
   */
  @PostConstruct
  void startProbing() {
    probing =
        scheduler.scheduleWithFixedDelay(
            this::probeExecutors, 0, PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopProbing() {
    if (probing != null) {
      probing.cancel(false);
    }
  }

  /** Starts probing with the application, not with the first health request. */
  void deployed(@Observes @Initialized(ApplicationScoped.class) Object application) {
    // Observing the start is enough: it creates the bean, whose @PostConstruct starts the probes.
  }

  void probeExecutors() {
    long runThreads = probe("runs", executor.probe());
    long toolThreads = probe("tools", tools.submit(() -> true));
    probed = new Probed(runThreads, toolThreads, System.nanoTime());
  }

  public List<Check> readiness() {
    List<Check> checks = new ArrayList<>();
    Map<String, Object> data = new LinkedHashMap<>();
    Probed last = probed;
    long ageMs =
        last == null ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last.atNanos());
    // Probes run every 2 s and take at most the bound each: an older result means they are stuck.
    boolean fresh = last != null && ageMs < 3 * PROBE_EVERY_MS + 2 * probeTimeoutMs;
    data.put("run_threads_ms", last == null ? -1 : last.runThreadsMs());
    data.put("tool_threads_ms", last == null ? -1 : last.toolThreadsMs());
    data.put("bound_ms", probeTimeoutMs);
    data.put("probed_ms_ago", ageMs);
    checks.add(
        new Check(
            "agentwire-runs",
            fresh && last.runThreadsMs() >= 0 && last.toolThreadsMs() >= 0,
            data));
    cluster
        .standing()
        .ifPresent(
            standing -> {
              Map<String, Object> grid = new LinkedHashMap<>();
              grid.put("member", standing.connected());
              grid.put("lag_entries", standing.lag());
              grid.put("max_lag_entries", maxClusterLag);
              checks.add(
                  new Check(
                      "agentwire-cluster",
                      standing.connected() && standing.lag() < maxClusterLag,
                      grid));
            });
    return checks;
  }

  /** How long the probe took in milliseconds, or -1 when it did not complete in time. */
  private long probe(String what, Future<?> probe) {
    long start = System.nanoTime();
    try {
      probe.get(probeTimeoutMs, TimeUnit.MILLISECONDS);
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    } catch (TimeoutException | ExecutionException e) {
      probe.cancel(false);
      LOG.log(
          Level.WARNING,
          "readiness: the " + what + " probe did not complete within " + probeTimeoutMs + " ms",
          e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
