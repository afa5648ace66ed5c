package dev.agentwire.operations;

import dev.agentwire.cluster.ClusterSupport;
import dev.agentwire.events.EventLog;
import dev.agentwire.sockets.Flusher;
import dev.agentwire.sockets.UserSessions;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * The application's one metrics registry (not the JVM-wide default: two applications in one server
 * keep theirs apart), and the metrics read at scrape time from the state the other packages keep:
 * connections, backlogs, the writer, the log's memory, the cluster's lag.
 */
@ApplicationScoped
public class Metrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Inject UserSessions sessions;
  @Inject Flusher flusher;
  @Inject EventLog log;
  @Inject ClusterSupport cluster;

  @Produces
  PrometheusRegistry registry() {
    return registry;
  }

  void register(@Observes @Initialized(ApplicationScoped.class) Object application) {
    GaugeWithCallback.builder()
        .name("agentwire_connections_open")
        .help("WebSocket connections open")
        .callback(callback -> callback.call(sessions.openConnections()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("agentwire_connection_backlog_max_bytes")
        .help(
            "The largest backlog of any connection: replies and its user's events it has not sent")
        .callback(callback -> callback.call(sessions.largestBacklog()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_events_lost_total")
        .help("Events that could not be logged, each lost for its user (logged at SEVERE)")
        .callback(callback -> callback.call(sessions.lostEvents()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_seq_gaps_total")
        .help("Events whose seq did not follow their run's previous one (logged at WARNING)")
        .callback(callback -> callback.call(sessions.seqGaps()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_writer_failures_total")
        .help("Writes to a connection that threw; the writer went on (logged at SEVERE)")
        .callback(callback -> callback.call(flusher.failures()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_writer_restarts_total")
        .help("Writer threads replaced: one ended, or one write held it (logged at SEVERE)")
        .callback(callback -> callback.call(flusher.restarts()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("agentwire_writer_oldest_pending_seconds")
        .help("How long the oldest write still to be done has waited")
        .callback(callback -> callback.call(flusher.oldestPendingMs() / 1000.0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("agentwire_history_bytes")
        .help("Memory the kept events take, as retention counts it (UTF-8 bytes + 96 per event)")
        .callback(callback -> callback.call(log.store().totalBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("agentwire_history_users")
        .help("Users whose events are kept")
        .callback(callback -> callback.call(log.store().users()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_history_evicted_events_total")
        .help("Events retention dropped (age, count, per-user or total bytes)")
        .callback(callback -> callback.call(log.store().evicted()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("agentwire_cluster_log_lag_entries")
        .help("Entries of the cluster log this node has not read yet (0 on a single server)")
        .callback(
            callback ->
                callback.call(cluster.standing().map(ClusterSupport.Standing::lag).orElse(0L)))
        .register(registry);
  }
}
