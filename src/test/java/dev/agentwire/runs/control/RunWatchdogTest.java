package dev.agentwire.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.agents.Caller;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.testing.Await;
import dev.agentwire.testing.LogCapture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A run that waits for a thread to execute on is reported while it waits, once. */
class RunWatchdogTest {

  private final LogCapture logged = LogCapture.of(PoolWaits.class);
  private final RunWatchdog watchdog = new RunWatchdog();
  private final PoolWaits waits = new PoolWaits(100);

  @BeforeEach
  void setUp() {
    watchdog.registry = new RunRegistry(5);
    watchdog.metrics = new PrometheusRegistry();
    watchdog.waits = waits;
    watchdog.silenceWarnMs = 120_000;
    watchdog.maxDurationMs = 900_000;
    watchdog.register();
  }

  @AfterEach
  void tearDown() {
    logged.close();
  }

  @Test
  void aRunStillWaitingForAThreadIsReportedOnceWhileItWaits() throws Exception {
    Run waiting = watchdog.registry.register(Caller.named("ada"), "t-1", "assistant", "hi");
    Await.until(
        () -> waiting.ageNanos(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(150),
        Duration.ofSeconds(5),
        "the run to be older than the bound");

    watchdog.check();
    watchdog.check();

    assertEquals(1, waits.total(PoolWaits.Pool.RUNS));
    LogRecord record = logged.next(5);
    assertNotNull(record, "the wait was not logged");
    assertEquals(Level.WARNING, record.getLevel());
    assertTrue(
        record
            .getMessage()
            .startsWith("agent 'assistant' of run " + waiting.runId() + " has waited "),
        record.getMessage());
    assertTrue(record.getMessage().contains("EJB @Asynchronous thread pool"), record.getMessage());
    // Once it runs, the report is not repeated.
    waiting.executing();
    watchdog.check();
    assertEquals(1, waits.total(PoolWaits.Pool.RUNS));
  }

  @Test
  void aRunThatGotItsThreadInTimeIsNotReported() throws Exception {
    Run running = watchdog.registry.register(Caller.named("ada"), "t-1", "assistant", "hi");
    running.executing();
    Await.until(
        () -> running.ageNanos(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(150),
        Duration.ofSeconds(5),
        "the run to be older than the bound");

    watchdog.check();

    assertEquals(0, waits.total(PoolWaits.Pool.RUNS));
    assertEquals(0, waits.total(PoolWaits.Pool.TOOLS));
  }
}
