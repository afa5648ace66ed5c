package dev.agentwire.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.agents.Caller;
import dev.agentwire.agents.EchoTool;
import dev.agentwire.agents.FailTool;
import dev.agentwire.agents.SleepTool;
import dev.agentwire.agents.Tool;
import dev.agentwire.agents.ToolOutcome;
import dev.agentwire.agents.ToolStatus;
import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventType;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.testing.LogCapture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every tool call reports one executing/completed pair, whatever the tool does. */
class ToolDispatcherTest {

  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private ExecutorService executor;
  private RunNotifier notifier;
  private Run run;

  /** Blocks until interrupted, and says so. */
  private final Tool stubborn =
      new Tool() {
        @Override
        public String name() {
          return "stubborn";
        }

        @Override
        public JsonValue call(JsonObject arguments) {
          started.countDown();
          try {
            new CountDownLatch(1).await(1, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return JsonValue.NULL;
        }
      };

  /** Spins until the test releases it, deaf to interrupts, as a tool stuck in BigInteger is. */
  private volatile boolean released;

  private final CountDownLatch spinning = new CountDownLatch(1);
  private final Tool spinner =
      new Tool() {
        @Override
        public String name() {
          return "spinner";
        }

        @Override
        public JsonValue call(JsonObject arguments) {
          spinning.countDown();
          while (!released) {
            Thread.onSpinWait();
          }
          return JsonValue.TRUE;
        }
      };

  /** Unique, so that a late line of another test's abandoned call is not taken for this one's. */
  private final String runId = "r-" + UUID.randomUUID();

  private final Logger abandonedLog = Logger.getLogger(AbandonedCalls.class.getName());
  private final BlockingQueue<LogRecord> logged = new LinkedBlockingQueue<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getMessage().contains(" of run " + runId + " ")) {
            logged.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void setUp() {
    abandonedLog.addHandler(capture);
    executor = Executors.newCachedThreadPool();
    run = new Run(runId, "t-1", "ada", "test", "input");
    notifier = new RunNotifier(events::add, Clock.systemUTC()).bind("ada", "t-1", runId);
    notifier.started("test", "input");
  }

  @AfterEach
  void tearDown() {
    released = true;
    executor.shutdownNow();
    abandonedLog.removeHandler(capture);
  }

  private ToolDispatcher dispatcher(Duration timeout) {
    return new ToolDispatcher(
        List.of(new EchoTool(), new FailTool(), new SleepTool(), stubborn, spinner),
        executor,
        tool -> timeout);
  }

  @Test
  void aSuccessfulCallReportsItsResult() {
    JsonObject args = Json.createObjectBuilder().add("x", 1).build();
    ToolOutcome outcome =
        dispatcher(Duration.ofSeconds(5)).call(run, notifier, "c-1", "echo", args);
    assertEquals(ToolStatus.OK, outcome.status());
    assertEquals(args, outcome.result());
    assertEquals(
        List.of(EventType.AGENT_STARTED, EventType.TOOL_EXECUTING, EventType.TOOL_COMPLETED),
        types());
    ToolCompleted completed = (ToolCompleted) events.get(2).data();
    assertEquals("c-1", completed.callId());
    assertEquals("ok", completed.status());
    assertEquals(args, completed.result());
  }

  @Test
  void aThrowingToolIsReportedAsError() {
    ToolOutcome outcome =
        dispatcher(Duration.ofSeconds(5))
            .call(
                run,
                notifier,
                "c-1",
                "fail",
                Json.createObjectBuilder().add("message", "backend down").build());
    assertEquals(ToolStatus.ERROR, outcome.status());
    assertEquals("backend down", outcome.error());
    assertEquals("error", ((ToolCompleted) events.get(2).data()).status());
  }

  @Test
  void anUnknownToolIsReportedAsErrorWithoutRunningAnything() {
    ToolOutcome outcome =
        dispatcher(Duration.ofSeconds(5))
            .call(run, notifier, "c-1", "nope", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.ERROR, outcome.status());
    assertEquals("unknown tool: nope", outcome.error());
    assertEquals(3, events.size());
  }

  @Test
  void aToolOverItsLimitTimesOutAndIsInterrupted() throws InterruptedException {
    ToolOutcome outcome =
        dispatcher(Duration.ofMillis(200))
            .call(run, notifier, "c-1", "stubborn", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.TIMEOUT, outcome.status());
    assertEquals("tool exceeded its time limit of 200 ms", outcome.error());
    assertTrue(outcome.durationMs() >= 200, "duration " + outcome.durationMs());
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the timed-out tool was not interrupted");
    assertEquals("timeout", ((ToolCompleted) events.get(2).data()).status());
  }

  @Test
  void cancellingTheRunStopsTheToolAtOnce() throws Exception {
    ToolDispatcher dispatcher = dispatcher(Duration.ofMinutes(1));
    var call =
        executor.submit(
            () -> dispatcher.call(run, notifier, "c-1", "stubborn", JsonValue.EMPTY_JSON_OBJECT));
    assertTrue(started.await(5, TimeUnit.SECONDS), "the tool never started");
    assertTrue(run.requestCancel());
    ToolOutcome outcome = call.get(5, TimeUnit.SECONDS);
    assertEquals(ToolStatus.CANCELLED, outcome.status());
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the cancelled tool was not interrupted");
    assertEquals("cancelled", ((ToolCompleted) events.get(2).data()).status());
  }

  @Test
  void aSaturatedPoolIsReportedAsError() {
    ExecutorService full = Executors.newSingleThreadExecutor();
    full.shutdown();
    ToolOutcome outcome =
        new ToolDispatcher(List.of(new EchoTool()), full, tool -> Duration.ofSeconds(1))
            .call(run, notifier, "c-1", "echo", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.ERROR, outcome.status());
    assertTrue(outcome.error().contains("no thread free"), outcome.error());
  }

  @Test
  void twoToolsWithOneNameAreRefused() {
    IllegalStateException clash =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                new ToolDispatcher(
                    List.of(new EchoTool(), new EchoTool()), executor, t -> Duration.ZERO));
    assertTrue(clash.getMessage().contains("two tools are named 'echo'"));
  }

  private List<EventType> types() {
    return events.stream().map(AgentEvent::type).toList();
  }

  @Test
  void aToolThatThrowsCancellationExceptionStillCompletesAsError() {
    Tool cancels =
        new Tool() {
          @Override
          public String name() {
            return "cancels";
          }

          @Override
          public JsonValue call(JsonObject arguments) {
            throw new java.util.concurrent.CancellationException("awaited future was cancelled");
          }
        };
    ToolOutcome outcome =
        new ToolDispatcher(List.of(cancels), executor, tool -> Duration.ofSeconds(5))
            .call(run, notifier, "c-1", "cancels", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.ERROR, outcome.status());
    assertEquals("awaited future was cancelled", outcome.error());
    assertEquals(
        List.of(EventType.AGENT_STARTED, EventType.TOOL_EXECUTING, EventType.TOOL_COMPLETED),
        types());
  }

  @Test
  void aBrokenTimeLimitStillCompletesTheCallAsError() {
    ToolOutcome outcome =
        new ToolDispatcher(
                List.of(new EchoTool()),
                executor,
                tool -> {
                  throw new IllegalArgumentException("timeout-ms is not a number");
                })
            .call(run, notifier, "c-1", "echo", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.ERROR, outcome.status());
    assertEquals(
        List.of(EventType.AGENT_STARTED, EventType.TOOL_EXECUTING, EventType.TOOL_COMPLETED),
        types());
  }

  private LogRecord nextLogged() throws InterruptedException {
    LogRecord record = logged.poll(5, TimeUnit.SECONDS);
    assertNotNull(record, "nothing was logged within 5 s");
    assertEquals(Level.WARNING, record.getLevel(), record.getMessage());
    return record;
  }

  @Test
  void aToolThatIgnoresItsInterruptIsCountedAndLoggedUntilItEnds() throws Exception {
    ToolDispatcher dispatcher = dispatcher(Duration.ofMinutes(1));
    var call =
        executor.submit(
            () -> dispatcher.call(run, notifier, "c-1", "spinner", JsonValue.EMPTY_JSON_OBJECT));
    assertTrue(spinning.await(5, TimeUnit.SECONDS), "the tool never started");
    assertTrue(run.requestCancel());

    assertEquals(ToolStatus.CANCELLED, call.get(5, TimeUnit.SECONDS).status());
    assertEquals(1, dispatcher.overrunningCalls());
    assertEquals(
        "tool 'spinner' of run "
            + runId
            + " still runs 1000 ms after it was abandoned (run cancelled): it ignores interrupts"
            + " and holds a thread; overrunning calls: 1",
        nextLogged().getMessage());
    assertEquals(1, dispatcher.overrunsTotal());

    released = true;
    String ended = nextLogged().getMessage();
    assertTrue(
        ended.matches(
            "abandoned tool 'spinner' of run "
                + runId
                + " ended \\d+ ms after it was abandoned; it returned"
                + " a result nobody reads; overrunning calls: 0"),
        ended);
    assertEquals(0, dispatcher.overrunningCalls());
    assertEquals(1, dispatcher.overrunsTotal());
  }

  @Test
  void aToolOverItsLimitThatIgnoresItsInterruptKeepsCountingAsOverrunning() throws Exception {
    ToolDispatcher dispatcher = dispatcher(Duration.ofMillis(300));

    ToolOutcome outcome =
        dispatcher.call(run, notifier, "c-1", "spinner", JsonValue.EMPTY_JSON_OBJECT);

    assertEquals(ToolStatus.TIMEOUT, outcome.status());
    assertEquals(
        "tool 'spinner' of run "
            + runId
            + " still runs 1000 ms after it was abandoned (tool exceeded its time limit of 300"
            + " ms): it ignores interrupts and holds a thread; overrunning calls: 1",
        nextLogged().getMessage());
    assertNull(logged.poll(200, TimeUnit.MILLISECONDS), "it ended while it should still spin");
    assertEquals(1, dispatcher.overrunningCalls(), "still spinning after the interrupt");
    released = true;
    assertTrue(nextLogged().getMessage().endsWith("overrunning calls: 0"));
    assertEquals(0, dispatcher.overrunningCalls());
    assertEquals(1, dispatcher.overrunsTotal());
  }

  @Test
  void aToolThatStopsWhenInterruptedIsNoOverrunAndLogsNoWarning() throws Exception {
    ToolDispatcher dispatcher = dispatcher(Duration.ofMillis(200));

    ToolOutcome outcome =
        dispatcher.call(
            run, notifier, "c-1", "sleep", Json.createObjectBuilder().add("ms", 60_000).build());

    assertEquals(ToolStatus.TIMEOUT, outcome.status());
    // Past the grace period: a tool that left at its interrupt is no news.
    assertNull(logged.poll(1_500, TimeUnit.MILLISECONDS), "a warning for an ordinary timeout");
    assertEquals(0, dispatcher.overrunningCalls());
    assertEquals(0, dispatcher.overrunsTotal());
  }

  /** A tool acting on the user's behalf sees who started the run and what their token said. */
  @Test
  void aToolSeesTheCallerOfItsRun() {
    Tool whoAmI =
        new Tool() {
          @Override
          public String name() {
            return "whoami";
          }

          @Override
          public JsonValue call(JsonObject arguments) {
            throw new AssertionError("the dispatcher calls the caller-aware method");
          }

          @Override
          public JsonValue call(JsonObject arguments, Caller caller) {
            return Json.createObjectBuilder()
                .add("name", caller.name())
                .add("email", String.valueOf(caller.claims().get("email")))
                .add("admin", caller.roles().contains("admin"))
                .build();
          }
        };
    Run theirs =
        new Run(
            "r-who",
            "t-1",
            new Caller(
                "ada", java.util.Set.of("admin"), java.util.Map.of("email", "ada@example.com")),
            "test",
            "input");
    ToolOutcome outcome =
        new ToolDispatcher(List.of(whoAmI), executor, tool -> Duration.ofSeconds(5))
            .call(theirs, notifier, "c-1", "whoami", JsonValue.EMPTY_JSON_OBJECT);
    assertEquals(ToolStatus.OK, outcome.status(), outcome.error());
    JsonObject result = outcome.result().asJsonObject();
    assertEquals("ada", result.getString("name"));
    assertEquals("ada@example.com", result.getString("email"));
    assertTrue(result.getBoolean("admin"));
  }

  /**
   * The submit runs under the platform class loader (Payara's context capture then skips its
   * class-path scan), and the tool under the loader of the thread that dispatched it.
   */
  @Test
  void aToolIsSubmittedUnderThePlatformLoaderAndRunsUnderTheDispatchersLoader() throws Exception {
    AtomicReference<ClassLoader> atSubmit = new AtomicReference<>();
    AtomicReference<ClassLoader> inTool = new AtomicReference<>();
    ExecutorService recording =
        new AbstractExecutorService() {
          @Override
          public void execute(Runnable command) {
            atSubmit.set(Thread.currentThread().getContextClassLoader());
            executor.execute(command);
          }

          @Override
          public void shutdown() {}

          @Override
          public List<Runnable> shutdownNow() {
            return List.of();
          }

          @Override
          public boolean isShutdown() {
            return false;
          }

          @Override
          public boolean isTerminated() {
            return false;
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
          }
        };
    Tool loaderProbe =
        new Tool() {
          @Override
          public String name() {
            return "loader";
          }

          @Override
          public JsonValue call(JsonObject arguments) {
            inTool.set(Thread.currentThread().getContextClassLoader());
            return JsonValue.TRUE;
          }
        };
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader application = new URLClassLoader(new URL[0], before)) {
      thread.setContextClassLoader(application);
      ToolOutcome outcome =
          new ToolDispatcher(List.of(loaderProbe), recording, tool -> Duration.ofSeconds(5))
              .call(run, notifier, "c-1", "loader", JsonValue.EMPTY_JSON_OBJECT);
      assertEquals(ToolStatus.OK, outcome.status(), outcome.error());
      assertEquals(ClassLoader.getPlatformClassLoader(), atSubmit.get(), "loader at submit");
      assertEquals(application, inTool.get(), "loader in the tool");
      assertEquals(application, thread.getContextClassLoader(), "the dispatcher's loader after");
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void aCallThatEndsInTimeIsNoOverrun() {
    ToolDispatcher dispatcher = dispatcher(Duration.ofSeconds(5));

    dispatcher.call(run, notifier, "c-1", "echo", JsonValue.EMPTY_JSON_OBJECT);
    dispatcher.call(
        run, notifier, "c-2", "fail", Json.createObjectBuilder().add("message", "no").build());

    assertEquals(0, dispatcher.overrunsTotal());
    assertEquals(List.of(), List.copyOf(logged));
  }

  @Test
  void aCallAbandonedBeforeItStartsNeverRuns() throws Exception {
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    AtomicInteger counted = new AtomicInteger();
    Tool counter =
        new Tool() {
          @Override
          public String name() {
            return "counter";
          }

          @Override
          public JsonValue call(JsonObject arguments) {
            counted.incrementAndGet();
            return JsonValue.NULL;
          }
        };
    try {
      ToolDispatcher dispatcher =
          new ToolDispatcher(List.of(spinner, counter), oneThread, tool -> Duration.ofMillis(300));
      assertEquals(
          ToolStatus.TIMEOUT,
          dispatcher.call(run, notifier, "c-1", "spinner", JsonValue.EMPTY_JSON_OBJECT).status());

      ToolOutcome queued =
          dispatcher.call(run, notifier, "c-2", "counter", JsonValue.EMPTY_JSON_OBJECT);

      assertEquals(ToolStatus.ERROR, queued.status());
      assertEquals("the server had no thread free to run this tool within 300 ms", queued.error());
      assertEquals(
          "tool 'counter' of run "
              + runId
              + " abandoned before it started: the server had no thread free to run this tool"
              + " within 300 ms",
          nextLogged().getMessage());
      assertEquals(1, dispatcher.overrunningCalls(), "only the spinner overruns");
      assertTrue(nextLogged().getMessage().contains("'spinner' of run " + runId + " still runs"));
      released = true;
      assertTrue(nextLogged().getMessage().contains("'spinner' of run " + runId + " ended"));
      oneThread.submit(() -> {}).get(5, TimeUnit.SECONDS); // after whatever was queued before
      assertEquals(0, counted.get(), "the abandoned call ran after all");
      assertEquals(1, dispatcher.overrunsTotal());
    } finally {
      oneThread.shutdownNow();
    }
  }

  /** The time limit counts from when the tool starts: waiting for a thread does not eat into it. */
  @Test
  void aToolThatWaitedForAThreadKeepsItsWholeTimeLimit() throws Exception {
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    PoolWaits waits = new PoolWaits(350);
    LogCapture warnings =
        LogCapture.of(
            PoolWaits.class, record -> record.getMessage().contains(" of run " + runId + " "));
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch free = new CountDownLatch(1);
      oneThread.submit(
          () -> {
            busy.countDown();
            return free.await(1, TimeUnit.MINUTES);
          });
      assertTrue(busy.await(5, TimeUnit.SECONDS));
      ToolDispatcher dispatcher =
          new ToolDispatcher(
              List.of(new SleepTool()), oneThread, tool -> Duration.ofMillis(700), waits);

      // Queued until the wait is reported (350 ms and more), then 500 ms in the tool: over the
      // 700 ms limit in all, within it from the tool's start.
      Future<ToolOutcome> call =
          caller.submit(
              () ->
                  dispatcher.call(
                      run,
                      notifier,
                      "c-1",
                      "sleep",
                      Json.createObjectBuilder().add("ms", 500).build()));
      LogRecord warning = warnings.next(5);
      assertNotNull(warning, "the wait for a thread was not logged");
      free.countDown();
      ToolOutcome outcome = call.get(10, TimeUnit.SECONDS);

      assertEquals(ToolStatus.OK, outcome.status(), outcome.error());
      assertTrue(outcome.durationMs() >= 850, "it did wait: " + outcome.durationMs() + " ms");
      assertEquals(1, waits.total(PoolWaits.Pool.TOOLS));
      assertEquals(0, waits.total(PoolWaits.Pool.RUNS));
      assertEquals(Level.WARNING, warning.getLevel());
      assertTrue(
          warning
              .getMessage()
              .matches(
                  "tool 'sleep' of run "
                      + runId
                      + " has waited \\d+ ms for a thread of the default ManagedExecutorService"
                      + " \\(more than agentwire.pools.wait-warn-ms=350\\).*"),
          warning.getMessage());
    } finally {
      warnings.close();
      caller.shutdownNow();
      oneThread.shutdownNow();
    }
  }

  @Test
  void aCancelWhileTheToolWaitsForAThreadEndsTheCallAtOnce() throws Exception {
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch hold = new CountDownLatch(1);
      oneThread.submit(
          () -> {
            busy.countDown();
            return hold.await(1, TimeUnit.MINUTES);
          });
      assertTrue(busy.await(5, TimeUnit.SECONDS));
      ToolDispatcher dispatcher =
          new ToolDispatcher(
              List.of(new EchoTool()), oneThread, tool -> Duration.ofSeconds(30), waits(60_000));
      CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(run::requestCancel);

      ToolOutcome outcome =
          dispatcher.call(run, notifier, "c-1", "echo", JsonValue.EMPTY_JSON_OBJECT);

      assertEquals(ToolStatus.CANCELLED, outcome.status());
      assertTrue(outcome.durationMs() < 10_000, "it waited for its limit: " + outcome.durationMs());
      hold.countDown();
    } finally {
      oneThread.shutdownNow();
    }
  }

  private static PoolWaits waits(long warnMs) {
    return new PoolWaits(warnMs);
  }
}
