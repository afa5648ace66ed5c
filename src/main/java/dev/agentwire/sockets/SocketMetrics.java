package dev.agentwire.sockets;

import dev.agentwire.events.EventLog;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the connections count as it happens: frames and events written, what became of each event
 * owed to a connection, how long events took from being logged to reaching the socket, why the
 * server closed connections, resumes and the errors sent. Registered in the application's one
 * registry, which {@code /metrics} exposes.
 */
@ApplicationScoped
public class SocketMetrics implements Outbox.Deliveries {

  private static final double[] LATENCY_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private Counter frames;
  private final LongAdder written = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private Counter failures;
  private Counter replayed;
  private Histogram latency;
  private Counter closes;
  private Counter resumes;
  private Counter errors;

  /** For the container's proxy. */
  protected SocketMetrics() {}

  @Inject
  public SocketMetrics(PrometheusRegistry registry, EventLog log) {
    frames =
        Counter.builder()
            .name("agentwire_frames_written_total")
            .help("WebSocket text frames written to clients (each holds one or more messages)")
            .withoutExemplars()
            .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_event_deliveries_total")
        .help(
            "What became of each event for each connection of its user open when it was logged"
                + " (written, failed), or of an event logged while its user had none (held, for a"
                + " resume)")
        .labelNames("outcome")
        .callback(
            callback -> {
              callback.call(written.sum(), "written");
              callback.call(failed.sum(), "failed");
              callback.call(log.store().held(), "held");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_event_deliveries_owed_total")
        .help(
            "Deliveries owed: one per event per connection of its user open when it was logged;"
                + " each ends written or failed, or is still pending")
        .callback(callback -> callback.call(log.store().owed()))
        .register(registry);
    failures =
        Counter.builder()
            .name("agentwire_event_delivery_failures_total")
            .help("Owed deliveries that failed, by why the connection could not write them")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    replayed =
        Counter.builder()
            .name("agentwire_events_replayed_total")
            .help("Events written again to resuming connections (not counted as deliveries)")
            .withoutExemplars()
            .register(registry);
    latency =
        Histogram.builder()
            .name("agentwire_event_delivery_latency_seconds")
            .help("From an event being logged to its frame reaching the socket (live events)")
            .classicOnly()
            .classicUpperBounds(LATENCY_SECONDS)
            .withoutExemplars()
            .register(registry);
    closes =
        Counter.builder()
            .name("agentwire_connections_closed_by_server_total")
            .help(
                "Connections the server closed, by reason (fell_behind and replies_unread are"
                    + " slow readers)")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    resumes =
        Counter.builder()
            .name("agentwire_resumes_total")
            .help("Connections that asked to resume, by outcome (resumed, or the failure reason)")
            .labelNames("outcome")
            .withoutExemplars()
            .register(registry);
    errors =
        Counter.builder()
            .name("agentwire_errors_sent_total")
            .help("error replies sent to clients, by code")
            .labelNames("code")
            .withoutExemplars()
            .register(registry);
    // Every series exists from the start, at 0: alerts and rates see a first failure as a rise.
    for (String reason :
        List.of(
            Outbox.CLOSED,
            "idle",
            Outbox.FELL_BEHIND,
            Outbox.REPLIES_UNREAD,
            Outbox.WRITE_FAILED,
            "abusive",
            "refused",
            "token_expired")) {
      failures.initLabelValues(reason);
    }
    for (String reason :
        List.of(
            Outbox.FELL_BEHIND,
            Outbox.REPLIES_UNREAD,
            "idle",
            "abusive",
            "refused",
            "token_expired")) {
      closes.initLabelValues(reason);
    }
    for (String outcome :
        List.of("resumed", "invalid_id", "server_restarted", "unknown_id", "expired")) {
      resumes.initLabelValues(outcome);
    }
    for (String code :
        List.of(
            "invalid_json",
            "invalid_message",
            "unknown_type",
            "unknown_agent",
            "thread_not_found",
            "run_not_found",
            "too_many_runs",
            "rate_limited",
            "unsupported_frame",
            "internal_error")) {
      errors.initLabelValues(code);
    }
  }

  /** Created when the application starts, so that a scrape shows every metric from the start. */
  void deployed(@Observes @Initialized(ApplicationScoped.class) Object application) {
    // Observing the start is enough: it creates the bean, which registers its metrics.
  }

  @Override
  public void written(int live, int replays, long[] createdMillis) {
    frames.inc();
    written.add(live);
    if (replays > 0) {
      replayed.inc(replays);
    }
    long now = System.currentTimeMillis();
    for (int i = replays; i < createdMillis.length; i++) {
      latency.observe(Math.max(0, now - createdMillis[i]) / 1000.0);
    }
  }

  @Override
  public void failed(String reason, long events) {
    if (events > 0) {
      failed.add(events);
      failures.labelValues(reason).inc(events);
    }
  }

  void closedByServer(String reason) {
    closes.labelValues(reason).inc();
  }

  void resumed(String outcome) {
    resumes.labelValues(outcome).inc();
  }

  void errorSent(String code) {
    errors.labelValues(code).inc();
  }
}
