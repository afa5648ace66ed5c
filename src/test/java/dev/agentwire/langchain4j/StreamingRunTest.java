package dev.agentwire.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.agents.AgentContext;
import dev.agentwire.agents.AgentFailure;
import dev.agentwire.agents.CalculatorTool;
import dev.agentwire.agents.Caller;
import dev.agentwire.agents.ClockTool;
import dev.agentwire.agents.RunCancelledException;
import dev.agentwire.agents.TokenUsage;
import dev.agentwire.agents.ToolOutcome;
import dev.agentwire.agents.ToolStatus;
import dev.agentwire.events.Utf8;
import dev.agentwire.testing.Await;
import dev.agentwire.testing.LogCapture;
import dev.agentwire.testing.OpenAiStub;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A LangChain4j AI service streaming from a local OpenAI-compatible server, run by StreamingRun:
 * the real OpenAI client, the real SSE parsing, AgentWire's calculator; only the run's context is a
 * recorder here (the ITs run the same through the container and a socket).
 */
class StreamingRunTest {

  private static OpenAiStub stub;
  private static OpenAiStreamingChatModel model;
  private final AgentWireTools tools =
      AgentWireTools.of(List.of(new CalculatorTool(), new ClockTool()));

  @BeforeAll
  static void start() {
    stub = OpenAiStub.start();
    model =
        OpenAiStreamingChatModel.builder()
            .baseUrl(stub.baseUrl())
            .apiKey("none")
            .modelName("stub-model")
            .returnThinking(true)
            .timeout(Duration.ofSeconds(20))
            .build();
  }

  @AfterAll
  static void stop() {
    stub.close();
  }

  @Test
  void theAnswerStreamsAsDeltasThatMakeTheOutput() throws Exception {
    Recorder context = new Recorder("stream: The answer arrives piece by piece.");

    String output = run(context);

    assertEquals("The answer arrives piece by piece.", output);
    assertTrue(context.deltas.size() >= 1, context.steps.toString());
    assertEquals(output, String.join("", context.deltas));
    assertEquals(new TokenUsage(21, 34, 55), context.usage);
  }

  @Test
  void aToolCallSplitOverChunksRunsThroughTheContextAndItsResultGoesBack() throws Exception {
    Recorder context = new Recorder("tool: calculator {\"expression\": \"17 * 23 + 4\"}");

    String output = run(context);

    assertEquals(List.of("calculator {\"expression\":\"17 * 23 + 4\"}"), context.calls);
    assertTrue(output.startsWith("The tool said: "), output);
    assertTrue(output.contains("395"), output);
    assertEquals(output, String.join("", context.deltas));
    // The model was offered the tools with their descriptions and schemas.
    JsonObject first = stub.exchanges().get(stub.exchanges().size() - 2).request();
    JsonObject calculator =
        first.getJsonArray("tools").stream()
            .map(t -> t.asJsonObject().getJsonObject("function"))
            .filter(f -> f.getString("name").equals("calculator"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no calculator in " + first));
    assertTrue(calculator.getString("description").contains("arithmetic"), calculator.toString());
    assertEquals(
        "string",
        calculator
            .getJsonObject("parameters")
            .getJsonObject("properties")
            .getJsonObject("expression")
            .getString("type"),
        calculator.toString());
  }

  /**
   * The stub cuts every three chars, so these emoji arrive as lone surrogates: none goes out so.
   */
  @Test
  void aCharacterSplitAcrossPiecesIsNeverSplitAcrossDeltas() throws Exception {
    String text = "ok \uD83D\uDE00\uD83D\uDE00\uD83D\uDE00 and \uD83C\uDF89!";
    Recorder context = new Recorder("stream: " + text);

    String output = run(context);

    assertEquals(text, output);
    assertEquals(text, String.join("", context.deltas));
    for (String delta : context.deltas) {
      assertTrue(
          Utf8.isWellFormed(delta),
          "a delta with half a character: " + delta.chars().boxed().toList());
    }
  }

  /**
   * Model text is hostile too: random strings of emoji, lone surrogates, controls, quotes and
   * escapes, cut anywhere by the stub. The deltas always make the output, and once the event log
   * repairs what is not valid UTF-8, they still do.
   */
  @Test
  void anyModelTextStreamsIntoDeltasThatMakeTheOutput() throws Exception {
    Random random = new Random(7);
    String[] atoms = {
      "a",
      "Z",
      " ",
      "\\",
      "\"",
      "\n",
      "\t",
      "\u0000",
      "\u001f",
      "é",
      "日本",
      "\uD83D\uDE00",
      "\uD83D",
      "\uDE00",
      "\uFFFF",
      "\u2028",
      "</script>",
      "{\"type\":\"x\"}"
    };
    for (int round = 0; round < 40; round++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 1 + random.nextInt(60); i++) {
        text.append(atoms[random.nextInt(atoms.length)]);
      }
      Recorder context = new Recorder(OpenAiStub.unitsPrompt(text.toString()));

      String output = run(context);

      String where = "seed 7, round " + round + ": " + text.chars().boxed().toList();
      assertEquals(text.toString(), output, where);
      assertEquals(output, String.join("", context.deltas), where);
      String repaired = context.deltas.stream().map(Utf8::wellFormed).collect(Collectors.joining());
      assertEquals(Utf8.wellFormed(output), repaired, where);
    }
  }

  @Test
  void thinkingIsCoalescedIntoSteps() throws Exception {
    Recorder context = new Recorder("think: First I read the question. Then I answer. | Done.");

    String output = run(context);

    assertEquals("Done.", output);
    assertEquals(List.of("First I read the question. Then I answer."), context.thoughts);
  }

  @Test
  void aStreamThatBreaksOffFailsTheRun() {
    Recorder context = new Recorder("fail");

    try (LogCapture log = LogCapture.of(StreamingRun.class)) {
      AgentFailure failure = assertThrows(AgentFailure.class, () -> run(context));

      assertEquals("llm_error", failure.code());
      List<LogRecord> logged = log.all();
      assertEquals(1, logged.size(), "the failure is logged once");
      assertEquals(Level.WARNING, logged.get(0).getLevel());
      assertTrue(logged.get(0).getMessage().startsWith("the model's stream failed in run r-test"));
    }
  }

  @Test
  void cancellingTheRunCancelsTheStream() throws Exception {
    Recorder context = new Recorder("slow: 100");
    context.cancelAfterDeltas = 3;
    int before = stub.exchanges().size();

    assertThrows(RunCancelledException.class, () -> run(context));

    OpenAiStub.Exchange exchange = stub.exchanges().get(before);
    Await.until(
        () -> exchange.ending().equals("aborted"),
        Duration.ofSeconds(10),
        "the stub to see its stream abandoned");
  }

  /**
   * LangChain4j's JDK HTTP client reads the answer on the thread that started the stream when the
   * answer is there before it attaches its reader (a fast local model, a loaded machine). A model
   * that always streams so must still give deltas as they come, and a cancel that stops it.
   */
  @Test
  void aModelThatStreamsOnTheStartingThreadStillStreamsAndCancels() throws Exception {
    Recorder context = new Recorder("anything");
    context.cancelAfterDeltas = 3;
    SameThreadModel same = new SameThreadModel(500, context);

    assertThrows(
        RunCancelledException.class,
        () ->
            StreamingRun.stream(
                context,
                tools,
                provider ->
                    AiServices.builder(LlmAgent.Assistant.class)
                        .streamingChatModel(same)
                        .build()
                        .chat(context.input())));

    assertTrue(same.streamedOn != Thread.currentThread(), "the model ran on the run's thread");
    assertNull(same.unreported, () -> "while the model streamed: " + same.unreported);
    Await.until(same.handle::isCancelled, Duration.ofSeconds(5), "the stream to be cancelled");
    Await.until(() -> same.finished, Duration.ofSeconds(5), "the model to stop streaming");
    assertTrue(same.sent < 50, "the model streamed on after the cancel: " + same.sent + " pieces");
  }

  @Test
  void aStreamThatCannotBeStartedFailsTheRunLoudly() {
    Recorder context = new Recorder("stream: never sent");
    int before = stub.exchanges().size();

    try (LogCapture log = LogCapture.of(StreamingRun.class)) {
      AgentFailure failure =
          assertThrows(
              AgentFailure.class,
              () ->
                  StreamingRun.stream(
                      context,
                      tools,
                      task -> {
                        throw new RejectedExecutionException("shutting down");
                      },
                      provider ->
                          AiServices.builder(LlmAgent.Assistant.class)
                              .streamingChatModel(model)
                              .build()
                              .chat(context.input())));

      assertEquals("llm_error", failure.code());
      assertTrue(failure.getMessage().contains("shutting down"), failure.getMessage());
      assertEquals(Level.WARNING, log.all().get(0).getLevel());
      assertEquals(before, stub.exchanges().size(), "the model was asked nonetheless");
    }
  }

  /**
   * Streams its pieces in {@code doChat}, on the caller's thread, until cancelled; each piece only
   * once the run has reported the one before (as a slow model would), or gives up after 5 s.
   */
  private static final class SameThreadModel implements StreamingChatModel {
    final int pieces;
    final Recorder run;
    final StreamingHandle handle =
        new StreamingHandle() {
          private volatile boolean cancelled;

          @Override
          public void cancel() {
            cancelled = true;
          }

          @Override
          public boolean isCancelled() {
            return cancelled;
          }
        };
    volatile Thread streamedOn;
    volatile int sent;
    volatile boolean finished;
    volatile AssertionError unreported;

    SameThreadModel(int pieces, Recorder run) {
      this.pieces = pieces;
      this.run = run;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
      streamedOn = Thread.currentThread();
      StringBuilder text = new StringBuilder();
      try {
        for (int i = 0; i < pieces && !handle.isCancelled(); i++) {
          String piece = "tick " + i + ". ";
          text.append(piece);
          handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(handle));
          sent = i + 1;
          String sentSoFar = text.toString();
          Await.until(
              () -> handle.isCancelled() || String.join("", run.deltas).equals(sentSoFar),
              Duration.ofSeconds(5),
              "piece " + i + " reported as a delta");
        }
        if (!handle.isCancelled()) {
          handler.onCompleteResponse(
              ChatResponse.builder().aiMessage(AiMessage.from(text.toString())).build());
        }
      } catch (AssertionError e) {
        unreported = e; // the run took no step while the model streamed: checked by the test
        handler.onCompleteResponse(
            ChatResponse.builder().aiMessage(AiMessage.from(text.toString())).build());
      } finally {
        finished = true;
      }
    }
  }

  private String run(Recorder context) throws Exception {
    return StreamingRun.stream(
        context,
        tools.only(Set.of("calculator", "clock")),
        provider ->
            AiServices.builder(LlmAgent.Assistant.class)
                .streamingChatModel(model)
                .toolProvider(provider)
                .build()
                .chat(context.input()));
  }

  /** The run's side, recorded; tools are called for real, in this thread. */
  private static final class Recorder implements AgentContext {
    final String input;
    final List<String> steps = new CopyOnWriteArrayList<>();
    final List<String> deltas = new CopyOnWriteArrayList<>();
    final List<String> thoughts = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile TokenUsage usage;
    volatile int cancelAfterDeltas = -1;

    Recorder(String input) {
      this.input = input;
    }

    @Override
    public String input() {
      return input;
    }

    @Override
    public String runId() {
      return "r-test";
    }

    @Override
    public String threadId() {
      return "t-test";
    }

    @Override
    public void think(String text) {
      steps.add("think " + text);
      thoughts.add(text);
    }

    @Override
    public void output(String delta) {
      steps.add("delta " + delta);
      deltas.add(delta);
    }

    @Override
    public void usage(TokenUsage usage) {
      this.usage = usage;
    }

    @Override
    public ToolOutcome callTool(String tool, JsonObject arguments) {
      calls.add(tool + " " + arguments);
      try {
        assertNotNull(arguments.getString("expression"));
        return new ToolOutcome(ToolStatus.OK, new CalculatorTool().call(arguments), null, 1);
      } catch (Exception e) {
        return new ToolOutcome(ToolStatus.ERROR, null, e.getMessage(), 1);
      }
    }

    @Override
    public Caller caller() {
      return Caller.named("ada");
    }

    @Override
    public boolean isCancelled() {
      return cancelAfterDeltas >= 0 && deltas.size() >= cancelAfterDeltas;
    }
  }
}
