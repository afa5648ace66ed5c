package dev.agentwire.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentFailure;
import dev.agentwire.agents.EchoTool;
import dev.agentwire.agents.FailTool;
import dev.agentwire.agents.ScriptedAgent;
import dev.agentwire.agents.SleepTool;
import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventType;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.testing.RunInvariants;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every run ends with exactly one agent_completed, with the status its ending deserves. */
class AgentLoopTest {

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private final List<Run> released = new ArrayList<>();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  private AgentCompleted run(Agent agent, String input, Run run) {
    ToolDispatcher dispatcher =
        new ToolDispatcher(
            List.of(new EchoTool(), new FailTool(), new SleepTool()),
            executor,
            t -> Duration.ofSeconds(5));
    RunNotifier notifier =
        new RunNotifier(events::add, Clock.systemUTC())
            .bind(run.owner(), run.threadId(), run.runId());
    new AgentLoop(dispatcher, released::add).run(run, agent, notifier);
    List<String> violations = RunInvariants.violations(RunInvariants.onTheWire(events), true);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
    assertEquals(List.of(run), released, "the slot is released exactly once");
    return (AgentCompleted) events.get(events.size() - 1).data();
  }

  private AgentCompleted run(Agent agent, String input) {
    return run(agent, input, new Run("r-1", "t-1", "ada", agent.name(), input));
  }

  @Test
  void aScriptThatEndsWellSucceedsWithItsOutput() {
    AgentCompleted end =
        run(
            new ScriptedAgent(),
            "{\"steps\":[{\"think\":\"a\"},{\"tool\":\"echo\",\"arguments\":{\"x\":1}},"
                + "{\"tool\":\"fail\",\"arguments\":{\"message\":\"m\"}}],\"output\":\"done\"}");
    assertEquals("succeeded", end.status());
    assertEquals("done", end.output());
    assertEquals(
        List.of(
            EventType.AGENT_STARTED,
            EventType.AGENT_THINKING,
            EventType.TOOL_EXECUTING,
            EventType.TOOL_COMPLETED,
            EventType.TOOL_EXECUTING,
            EventType.TOOL_COMPLETED,
            EventType.AGENT_COMPLETED),
        events.stream().map(AgentEvent::type).toList());
  }

  @Test
  void aFailStepFailsTheRunWithAgentError() {
    AgentCompleted end = run(new ScriptedAgent(), "{\"steps\":[{\"fail\":\"gave up\"}]}");
    assertEquals("failed", end.status());
    assertEquals("agent_error", end.error().code());
    assertEquals("gave up", end.error().message());
  }

  @Test
  void anInvalidScriptFailsWithInvalidInput() {
    AgentCompleted end = run(new ScriptedAgent(), "{\"steps\":\"no\"}");
    assertEquals("failed", end.status());
    assertEquals("invalid_input", end.error().code());
    assertEquals(2, events.size());
  }

  @Test
  void anAgentThatThrowsFailsWithAgentError() {
    AgentCompleted end =
        run(
            agent(
                ctx -> {
                  throw new IllegalStateException("boom");
                }),
            "x");
    assertEquals("failed", end.status());
    assertEquals("agent_error", end.error().code());
    assertEquals("boom", end.error().message());
  }

  @Test
  void anAgentThatThrowsAnErrorStillCompletes() {
    AgentCompleted end =
        run(
            agent(
                ctx -> {
                  throw new StackOverflowError();
                }),
            "x");
    assertEquals("failed", end.status());
    assertEquals("StackOverflowError", end.error().message());
  }

  @Test
  void anAgentFailureKeepsItsOwnCode() {
    AgentCompleted end =
        run(
            agent(
                ctx -> {
                  throw new AgentFailure("quota_exceeded", "no more tokens today");
                }),
            "x");
    assertEquals("quota_exceeded", end.error().code());
  }

  @Test
  void aCancelBeforeTheAgentReturnsWinsEvenIfTheAgentSwallowsIt() {
    Run run = new Run("r-1", "t-1", "ada", "swallower", "x");
    AgentCompleted end =
        run(
            agent(
                ctx -> {
                  run.requestCancel();
                  try {
                    ctx.think("this throws: the run is cancelled");
                  } catch (RuntimeException swallowed) {
                    return "pretending all is well: " + swallowed.getMessage();
                  }
                  return "unreachable";
                }),
            "x",
            run);
    assertEquals("cancelled", end.status());
  }

  @Test
  void aCancelMidToolEndsTheRunPromptly() throws Exception {
    String script =
        "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":4000}},{\"think\":\"never\"}]}";
    Run run = new Run("r-1", "t-1", "ada", "scripted", script);
    Future<AgentCompleted> done = executor.submit(() -> run(new ScriptedAgent(), script, run));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (events.stream().noneMatch(e -> e.type() == EventType.TOOL_EXECUTING)) {
      assertTrue(System.nanoTime() < deadline, "the tool never started: " + events);
      Thread.onSpinWait();
    }
    assertTrue(run.requestCancel());
    AgentCompleted end = done.get(2, TimeUnit.SECONDS);
    assertEquals("cancelled", end.status());
    assertEquals("cancelled", ((ToolCompleted) events.get(2).data()).status());
    assertEquals(4, events.size(), "nothing after the cancelled tool: " + events);
  }

  private static Agent agent(Body body) {
    return new Agent() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public String run(dev.agentwire.agents.AgentContext context) throws Exception {
        return body.run(context);
      }
    };
  }

  private interface Body {
    String run(dev.agentwire.agents.AgentContext context) throws Exception;
  }
}
