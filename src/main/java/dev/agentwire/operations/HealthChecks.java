package dev.agentwire.operations;

import dev.agentwire.cluster.ClusterSupport;
import dev.agentwire.runs.boundary.RunExecutor;
import dev.agentwire.sockets.Flusher;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
 *       run on, each completes within {@code agentwire.health.probe-timeout-ms}; in a cluster, this
 *       node is a member of the grid and its reader is less than {@code
 *       agentwire.health.max-cluster-lag} entries behind the log.
 * </ul>
 */
@ApplicationScoped
public class HealthChecks {

  private static final Logger LOG = Logger.getLogger(HealthChecks.class.getName());

  /** One check's verdict, with what it measured. */
  public record Check(String name, boolean up, Map<String, Object> data) {}

  @Inject Flusher flusher;
  @Inject RunExecutor executor;
  @Inject ClusterSupport cluster;
  @Resource ManagedExecutorService tools;

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

  public List<Check> readiness() {
    List<Check> checks = new ArrayList<>();
    Map<String, Object> data = new LinkedHashMap<>();
    long runThreads = probe("runs", executor.probe());
    long toolThreads = probe("tools", tools.submit(() -> true));
    data.put("run_threads_ms", runThreads);
    data.put("tool_threads_ms", toolThreads);
    data.put("bound_ms", probeTimeoutMs);
    checks.add(new Check("agentwire-runs", runThreads >= 0 && toolThreads >= 0, data));
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
