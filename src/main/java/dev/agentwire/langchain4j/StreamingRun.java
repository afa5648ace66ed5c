package dev.agentwire.langchain4j;

import dev.agentwire.agents.AgentContext;
import dev.agentwire.agents.AgentFailure;
import dev.agentwire.agents.RunCancelledException;
import dev.agentwire.agents.ToolOutcome;
import dev.agentwire.agents.ToolStatus;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Runs a LangChain4j {@link TokenStream} as one AgentWire run. LangChain4j calls back on its own
 * threads; every callback only queues a step, and the run's own thread takes them in order and
 * reports them through the {@link AgentContext}:
 *
 * <ul>
 *   <li>{@code onPartialResponse} → {@code agent_output_delta} (pieces queued together go out as
 *       one);
 *   <li>{@code onPartialThinking} → {@code agent_thinking}, one step per line or sentence run;
 *   <li>a tool call → {@code tool_executing} / {@code tool_completed}, by AgentWire's dispatcher
 *       (time limit, cancel), with the result handed back to the model;
 *   <li>{@code onCompleteResponse} → the run's output (its deltas, concatenated) and token usage;
 *   <li>{@code onError} → the run fails with code {@code llm_error}.
 * </ul>
 *
 * A cancelled run cancels the model's stream ({@link StreamingHandle#cancel()}) and any tool call
 * in progress.
 *
 * <p>The stream is started on another thread, never the run's: LangChain4j 1.19's JDK HTTP client
 * reads the response in a {@code thenAccept} on the request's future, which runs on the caller's
 * thread when the response has already arrived by then. On the run's thread that would read the
 * whole answer before the run took a single step from its queue: no delta until the end, and no
 * cancel (seen under load, with a local model that answers within a millisecond).
 */
public final class StreamingRun {

  private static final Logger LOG = Logger.getLogger(StreamingRun.class.getName());

  /** How many characters of queued deltas are joined into one event, at most (and one piece). */
  static final int JOINED_CHARS = 8 * 1024;

  /** How often the run's thread looks at cancellation while the model is quiet. */
  private static final long POLL_MS = 50;

  private sealed interface Step {}

  private record Delta(String text) implements Step {}

  private record Thought(String text) implements Step {}

  private record Call(ToolExecutionRequest request, CompletableFuture<String> result)
      implements Step {}

  private record Done(ChatResponse response) implements Step {}

  private record Failed(Throwable failure) implements Step {}

  private final AgentContext context;
  private final AgentWireTools tools;
  private final BlockingQueue<Step> steps = new LinkedBlockingQueue<>();
  private final AtomicReference<StreamingHandle> handle = new AtomicReference<>();
  private final Executor starter;
  private boolean over; // guarded by steps

  private StreamingRun(AgentContext context, AgentWireTools tools, Executor starter) {
    this.context = context;
    this.tools = tools;
    this.starter = starter;
  }

  /**
   * Starts the stream {@code start} builds (given the run's tools as a {@link ToolProvider}) and
   * reports it until it completes; returns the answer.
   *
   * <pre>{@code
   * return StreamingRun.stream(context, tools, provider ->
   *     AiServices.builder(Assistant.class)
   *         .streamingChatModel(model)
   *         .toolProvider(provider)
   *         .build()
   *         .chat(context.input()));
   * }</pre>
   *
   * The stream is started through the container's default {@code ManagedExecutorService}.
   *
   * @throws RunCancelledException when the run is cancelled
   * @throws AgentFailure with code {@code llm_error} when the model's stream fails
   */
  public static String stream(
      AgentContext context, AgentWireTools tools, Function<ToolProvider, TokenStream> start)
      throws InterruptedException, AgentFailure {
    return stream(context, tools, defaultStarter(), start);
  }

  /**
   * As {@link #stream(AgentContext, AgentWireTools, Function)}, with the executor that starts the
   * stream (its task returns as soon as the request is sent, unless the model has answered by
   * then).
   */
  public static String stream(
      AgentContext context,
      AgentWireTools tools,
      Executor starter,
      Function<ToolProvider, TokenStream> start)
      throws InterruptedException, AgentFailure {
    return new StreamingRun(context, tools, starter).run(start);
  }

  /** The container's default managed executor; outside a container, a thread per stream. */
  private static Executor defaultStarter() {
    try {
      return (Executor) new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
    } catch (NamingException e) {
      return task -> new Thread(task, "agentwire-llm-start").start();
    }
  }

  private String run(Function<ToolProvider, TokenStream> start)
      throws InterruptedException, AgentFailure {
    TokenStream stream = start.apply(this::provideTools);
    stream
        .onPartialResponseWithContext(
            (partial, streaming) -> {
              handle.set(streaming.streamingHandle());
              if (!queue(new Delta(partial.text()))) {
                streaming.streamingHandle().cancel(); // the run ended before the stream did
              }
            })
        .onPartialThinking(thinking -> queue(new Thought(thinking.text())))
        .onCompleteResponse(response -> queue(new Done(response)))
        .onError(failure -> queue(new Failed(failure)));
    try {
      starter.execute(
          () -> {
            synchronized (steps) {
              if (over) {
                return; // cancelled before the stream started: never ask the model
              }
            }
            try {
              stream.start();
            } catch (RuntimeException | Error e) {
              queue(new Failed(e));
            }
          });
    } catch (RejectedExecutionException e) { // the executor is shutting down or full
      LOG.log(Level.WARNING, "could not start the model's stream in run " + context.runId(), e);
      throw new AgentFailure("llm_error", "could not start the model's stream: " + describe(e));
    }
    ThinkingSteps thinking = new ThinkingSteps(context::think);
    StringBuilder answer = new StringBuilder();
    String carried = "";
    try {
      while (true) {
        Step step = steps.poll(POLL_MS, TimeUnit.MILLISECONDS);
        if (context.isCancelled()) {
          throw new RunCancelledException(context.runId());
        }
        if (step instanceof Thought thought) {
          thinking.add(thought.text());
        } else if (step instanceof Delta delta) {
          thinking.flush();
          String text = carried + delta.text() + moreDeltas();
          // A model may split a character's surrogate pair across pieces: keep a trailing high
          // surrogate for the next piece, so that every delta is valid text on its own.
          carried = "";
          if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
            carried = text.substring(text.length() - 1);
            text = text.substring(0, text.length() - 1);
          }
          if (!text.isEmpty()) {
            answer.append(text);
            context.output(text);
          }
        } else if (step instanceof Call call) {
          thinking.flush();
          try {
            call.result().complete(execute(call.request()));
          } catch (RuntimeException e) { // cancelled mid-call: LangChain4j's thread must not wait
            call.result().completeExceptionally(e);
            throw e;
          }
        } else if (step instanceof Done done) {
          thinking.flush();
          if (!carried.isEmpty()) {
            answer.append(carried);
            context.output(carried);
          }
          reportUsage(done.response());
          String text =
              done.response().aiMessage() == null ? null : done.response().aiMessage().text();
          return answer.isEmpty() && text != null ? text : answer.toString();
        } else if (step instanceof Failed failed) {
          // The user sees the run fail; the operator sees why (a model down, a key refused).
          LOG.log(
              Level.WARNING,
              "the model's stream failed in run "
                  + context.runId()
                  + ": "
                  + describe(failed.failure()),
              failed.failure());
          throw new AgentFailure("llm_error", describe(failed.failure()));
        }
      }
    } finally {
      synchronized (steps) {
        over = true;
      }
      StreamingHandle streaming = handle.get();
      if (streaming != null && !streaming.isCancelled()) {
        streaming.cancel(); // a no-op for a stream that completed
      }
      for (Step left : steps) {
        if (left instanceof Call call) {
          call.result().cancel(false);
        }
      }
    }
  }

  /**
   * Queues a step for the run's thread; false after the run is over (a tool call is then refused at
   * once).
   */
  private boolean queue(Step step) {
    synchronized (steps) {
      if (!over) {
        steps.add(step);
        return true;
      }
    }
    if (step instanceof Call call) {
      call.result().cancel(false);
    }
    return false;
  }

  /**
   * The deltas already queued behind one, as one text: they go out as one event, of at most about
   * {@link #JOINED_CHARS} (a model that writes faster than events are logged still gets deltas of a
   * bounded size).
   */
  private String moreDeltas() {
    StringBuilder more = new StringBuilder();
    while (more.length() < JOINED_CHARS && steps.peek() instanceof Delta next) {
      steps.poll();
      more.append(next.text());
    }
    return more.toString();
  }

  private ToolProviderResult provideTools(
      dev.langchain4j.service.tool.ToolProviderRequest request) {
    ToolProviderResult.Builder result = ToolProviderResult.builder();
    ToolExecutor executor = (call, memoryId) -> awaitCall(call);
    for (ToolSpecification specification : tools.specifications()) {
      result.add(specification, executor);
    }
    return result.build();
  }

  /** On LangChain4j's thread: hands the call to the run's thread and waits for its result. */
  private String awaitCall(ToolExecutionRequest request) {
    CompletableFuture<String> result = new CompletableFuture<>();
    queue(new Call(request, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while the tool ran");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** On the run's thread: the call through AgentWire's dispatcher, its outcome as the model's. */
  private String execute(ToolExecutionRequest request) {
    JsonObject arguments;
    try (JsonReader reader = Json.createReader(new StringReader(argumentsOf(request)))) {
      arguments = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      return "error: the arguments are not a JSON object: " + describe(e);
    }
    ToolOutcome outcome = context.callTool(request.name(), arguments);
    if (outcome.status() == ToolStatus.OK) {
      return outcome.result().toString();
    }
    return "error (" + outcome.status().wireName() + "): " + outcome.error();
  }

  private static String argumentsOf(ToolExecutionRequest request) {
    String arguments = request.arguments();
    return arguments == null || arguments.isBlank() ? "{}" : arguments;
  }

  private void reportUsage(ChatResponse response) {
    dev.langchain4j.model.output.TokenUsage usage = response.tokenUsage();
    if (usage == null) {
      return;
    }
    long input = count(usage.inputTokenCount());
    long output = count(usage.outputTokenCount());
    long total = usage.totalTokenCount() == null ? input + output : count(usage.totalTokenCount());
    context.usage(new dev.agentwire.agents.TokenUsage(input, output, total));
  }

  private static long count(Integer tokens) {
    return tokens == null || tokens < 0 ? 0 : tokens;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
