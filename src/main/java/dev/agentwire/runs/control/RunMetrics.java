package dev.agentwire.runs.control;

import dev.agentwire.agents.ToolStatus;
import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventType;
import dev.agentwire.events.RunStatus;
import dev.agentwire.events.UserHash;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts runs and their events from the events themselves, as they are fired: runs started and
 * completed by status, how long runs and tool calls took, and events emitted by type. An observer
 * must never fail the run that fired the event: whatever goes wrong here is logged and counted.
 */
@ApplicationScoped
public class RunMetrics {

  private static final Logger LOG = Logger.getLogger(RunMetrics.class.getName());
  private static final double[] RUN_SECONDS = {
    0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900
  };
  private static final double[] TOOL_SECONDS = {
    0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  @Inject PrometheusRegistry registry;
  @Inject ToolDispatcher dispatcher;
  @Inject PoolWaits waits;

  private Counter emitted;
  private Counter started;
  private Counter completed;
  private Histogram runDuration;
  private Histogram toolDuration;
  private Counter observerFailures;

  @PostConstruct
  void register() {
    emitted =
        Counter.builder()
            .name("agentwire_events_emitted_total")
            .help("Agent events emitted by runs on this server, by type")
            .labelNames("type")
            .withoutExemplars()
            .register(registry);
    started =
        Counter.builder()
            .name("agentwire_runs_started_total")
            .help("Runs started on this server")
            .withoutExemplars()
            .register(registry);
    completed =
        Counter.builder()
            .name("agentwire_runs_completed_total")
            .help("Runs ended, by status (succeeded, failed, cancelled)")
            .labelNames("status")
            .withoutExemplars()
            .register(registry);
    runDuration =
        Histogram.builder()
            .name("agentwire_run_duration_seconds")
            .help("How long runs took, from agent_started to agent_completed")
            .classicOnly()
            .classicUpperBounds(RUN_SECONDS)
            .withoutExemplars()
            .register(registry);
    toolDuration =
        Histogram.builder()
            .name("agentwire_tool_call_duration_seconds")
            .help("How long tool calls took, by status (ok, error, timeout, cancelled)")
            .labelNames("status")
            .classicOnly()
            .classicUpperBounds(TOOL_SECONDS)
            .withoutExemplars()
            .register(registry);
    observerFailures =
        Counter.builder()
            .name("agentwire_event_observer_failures_total")
            .help("Exceptions in an event observer (each logged at WARNING)")
            .withoutExemplars()
            .register(registry);
    // Every series exists from the start, at 0: alerts and rates see a first one as a rise.
    for (EventType type : EventType.values()) {
      emitted.initLabelValues(type.wireName());
    }
    for (RunStatus status : RunStatus.values()) {
      completed.initLabelValues(status.wireName());
    }
    for (ToolStatus status : ToolStatus.values()) {
      toolDuration.initLabelValues(status.wireName());
    }
    GaugeWithCallback.builder()
        .name("agentwire_tool_calls_overrunning")
        .help("Tool calls given up on whose thread is still in the tool (it ignores interrupts)")
        .callback(callback -> callback.call(dispatcher.overrunningCalls()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_tool_call_overruns_total")
        .help("Tool calls still in their tool a second after they were given up on")
        .callback(callback -> callback.call(dispatcher.overrunsTotal()))
        .register(registry);
    CounterWithCallback.builder()
        .name("agentwire_pool_waits_total")
        .help(
            "Runs (pool=runs) and tool calls (pool=tools) that waited for a container thread"
                + " longer than agentwire.pools.wait-warn-ms")
        .labelNames("pool")
        .callback(
            callback -> {
              for (PoolWaits.Pool pool : PoolWaits.Pool.values()) {
                callback.call(waits.total(pool), pool.label());
              }
            })
        .register(registry);
  }

  /** Created when the application starts, so that a scrape shows every metric from the start. */
  void deployed(@Observes @Initialized(ApplicationScoped.class) Object application) {
    // Observing the start is enough: it creates the bean, which registers its metrics.
  }

  void observe(@Observes AgentEvent event) {
    try {
      emitted.labelValues(event.type().wireName()).inc();
      switch (event.type()) {
        case AGENT_STARTED -> started.inc();
        case AGENT_COMPLETED -> {
          if (event.data() instanceof AgentCompleted end) {
            completed.labelValues(end.status()).inc();
            runDuration.observe(end.durationMs() / 1000.0);
          }
        }
        case TOOL_COMPLETED -> {
          if (event.data() instanceof ToolCompleted call) {
            toolDuration
                .labelValues(call.status().toLowerCase(Locale.ROOT))
                .observe(call.durationMs() / 1000.0);
          }
        }
        default -> {}
      }
    } catch (RuntimeException e) {
      observerFailures.inc();
      LOG.log(
          Level.WARNING,
          "counting "
              + event.type()
              + " of run "
              + event.runId()
              + " of user "
              + UserHash.of(event.owner())
              + " failed",
          e);
    }
  }
}
