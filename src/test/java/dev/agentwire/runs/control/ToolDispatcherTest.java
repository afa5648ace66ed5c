package dev.agentwire.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

  @BeforeEach
  void setUp() {
    executor = Executors.newCachedThreadPool();
    run = new Run("r-1", "t-1", "ada", "test", "input");
    notifier = new RunNotifier(events::add, Clock.systemUTC()).bind("ada", "t-1", "r-1");
    notifier.started("test", "input");
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  private ToolDispatcher dispatcher(Duration timeout) {
    return new ToolDispatcher(
        List.of(new EchoTool(), new FailTool(), new SleepTool(), stubborn),
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
}
