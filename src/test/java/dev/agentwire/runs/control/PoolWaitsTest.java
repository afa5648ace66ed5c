package dev.agentwire.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.LogCapture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A starved pool under load: every wait is counted, but the log gets one warning per pool per
 * {@link PoolWaits#LOG_EVERY_MS}, and the next one says how many waited in between.
 */
class PoolWaitsTest {

  private final AtomicLong clock = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
  private final PoolWaits waits = new PoolWaits(2_000, clock::get);

  @Test
  void aBurstOfWaitsIsCountedWhole() {
    try (LogCapture log = LogCapture.of(PoolWaits.class)) {
      for (int i = 0; i < 1_000; i++) {
        waits.waited(PoolWaits.Pool.RUNS, "agent 'a'", "r-" + i, 2_500);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // 1,000 waits in one second
      }

      assertEquals(1_000, waits.total(PoolWaits.Pool.RUNS));
      List<LogRecord> logged = log.all();
      assertEquals(1, logged.size(), "one warning for the burst");
      assertEquals(Level.WARNING, logged.get(0).getLevel());
      assertTrue(logged.get(0).getMessage().startsWith("agent 'a' of run r-0 has waited 2500 ms"));
      assertTrue(
          logged.get(0).getMessage().contains("agentwire_pool_waits_total{pool=\"runs\"}"),
          logged.get(0).getMessage());
    }
  }

  @Test
  void theNextWarningSaysHowManyWaitedMeanwhile() {
    try (LogCapture log = LogCapture.of(PoolWaits.class)) {
      for (int i = 0; i < 5; i++) {
        waits.waited(PoolWaits.Pool.RUNS, "agent 'a'", "r-" + i, 2_500);
      }
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(PoolWaits.LOG_EVERY_MS));
      waits.waited(PoolWaits.Pool.RUNS, "agent 'a'", "r-late", 3_000);

      List<LogRecord> logged = log.all();
      assertEquals(2, logged.size());
      String second = logged.get(1).getMessage();
      assertTrue(second.startsWith("agent 'a' of run r-late has waited 3000 ms"), second);
      assertTrue(second.contains("4 more waited that long since the last such warning"), second);
      assertEquals(6, waits.total(PoolWaits.Pool.RUNS));
    }
  }

  @Test
  void eachPoolHasItsOwnWarnings() {
    try (LogCapture log = LogCapture.of(PoolWaits.class)) {
      waits.waited(PoolWaits.Pool.RUNS, "agent 'a'", "r-1", 2_500);
      waits.waited(PoolWaits.Pool.TOOLS, "tool 'echo'", "r-1", 2_500);
      waits.waited(PoolWaits.Pool.TOOLS, "tool 'echo'", "r-2", 2_500);

      assertEquals(2, log.all().size(), "the first of each pool");
      assertEquals(1, waits.total(PoolWaits.Pool.RUNS));
      assertEquals(2, waits.total(PoolWaits.Pool.TOOLS));
    }
  }
}
