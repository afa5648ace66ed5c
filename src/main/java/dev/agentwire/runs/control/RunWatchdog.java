package dev.agentwire.runs.control;

import dev.agentwire.events.UserHash;
import dev.agentwire.runs.entity.Run;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Watches the runs in progress, every second. A run that has produced no event for longer than
 * {@code agentwire.runs.silence-warn-ms} is logged at WARNING (once per silence) and counted: an
 * agent waiting on something that does not answer is the failure users see as "nothing happens". A
 * run that lasts longer than {@code agentwire.runs.max-duration-ms} is cancelled; it ends {@code
 * failed} with code {@code timeout}, its open tool call closed. A run still waiting for a thread
 * after {@code agentwire.pools.wait-warn-ms} is reported to {@link PoolWaits} while it waits.
 */
@ApplicationScoped
public class RunWatchdog {

  private static final Logger LOG = Logger.getLogger(RunWatchdog.class.getName());

  @Inject RunRegistry registry;
  @Inject PrometheusRegistry metrics;
  @Inject PoolWaits waits;
  @Resource ManagedScheduledExecutorService scheduler;

  @Inject
  @ConfigProperty(name = "agentwire.runs.silence-warn-ms", defaultValue = "120000")
  long silenceWarnMs;

  @Inject
  @ConfigProperty(name = "agentwire.runs.max-duration-ms", defaultValue = "900000")
  long maxDurationMs;

  private Counter silent;
  private Counter timedOut;
  private ScheduledFuture<?> watching;

  @PostConstruct
  void start() {
    register();
    watching = scheduler.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  /** Registers the watchdog's counters; {@link #check} needs them. */
  void register() {
    silent =
        Counter.builder()
            .name("agentwire_runs_silent_total")
            .help("Runs that produced no event for longer than agentwire.runs.silence-warn-ms")
            .withoutExemplars()
            .register(metrics);
    timedOut =
        Counter.builder()
            .name("agentwire_runs_timed_out_total")
            .help("Runs cancelled for lasting longer than agentwire.runs.max-duration-ms")
            .withoutExemplars()
            .register(metrics);
  }

  /** Starts watching when the application starts, not when a run first needs it. */
  void deployed(@Observes @Initialized(ApplicationScoped.class) Object application) {
    // Observing the start is enough: it creates the bean, whose @PostConstruct starts the timer.
  }

  @PreDestroy
  void stop() {
    if (watching != null) {
      watching.cancel(false);
    }
  }

  void check() {
    long now = System.nanoTime();
    for (Run run : registry.active()) {
      try {
        watch(run, now);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "watching run " + run.runId() + " failed", e);
      }
    }
  }

  private void watch(Run run, long now) {
    long ageMs = TimeUnit.NANOSECONDS.toMillis(run.ageNanos(now));
    if (!run.isExecuting() && ageMs > waits.warnMs() && run.reportWait()) {
      waits.waited(PoolWaits.Pool.RUNS, "agent '" + run.agent() + "'", run.runId(), ageMs);
    }
    long silentMs = TimeUnit.NANOSECONDS.toMillis(run.silentNanos(now));
    if (silentMs > silenceWarnMs && run.reportSilence()) {
      silent.inc();
      LOG.warning(() -> describe(run) + " has produced no event for " + silentMs + " ms");
    }
    if (run.ageNanos(now) > TimeUnit.MILLISECONDS.toNanos(maxDurationMs)) {
      String why = "the run took longer than its maximum of " + maxDurationMs + " ms";
      if (run.timeOut(why)) {
        timedOut.inc();
        LOG.warning(
            () -> describe(run) + " timed out after " + maxDurationMs + " ms; cancelling it");
      }
    }
  }

  /** The run as logs name it: its id, its user's hash and its agent. */
  private static String describe(Run run) {
    return "run " + run.runId() + " of user " + UserHash.of(run.owner()) + " (" + run.agent() + ")";
  }
}
