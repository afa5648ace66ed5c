package dev.agentwire.langchain4j;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentContext;
import dev.agentwire.agents.Tool;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code llm} agent: a model behind any OpenAI-compatible chat completions endpoint (OpenAI,
 * Azure OpenAI, vLLM, Ollama's {@code /v1}, LocalAI), streaming its answer, with AgentWire's {@code
 * calculator} and {@code clock} tools. Enabled by {@code agentwire.llm.base-url}; without it
 * clients do not see it.
 */
@ApplicationScoped
public class LlmAgent implements Agent {

  static final String NAME = "llm";
  static final String DEFAULT_PROMPT =
      "You are a helpful assistant. Use the calculator tool for any arithmetic and the clock tool"
          + " for the current date or time; never guess them. Answer briefly.";

  private static final Logger LOG = Logger.getLogger(LlmAgent.class.getName());

  /** The conversation a run has with the model: the user's input, the answer streamed. */
  interface Assistant {
    TokenStream chat(String message);
  }

  @Inject
  @ConfigProperty(name = "agentwire.llm.base-url")
  Optional<String> baseUrl;

  @Inject
  @ConfigProperty(name = "agentwire.llm.model", defaultValue = "gpt-4o-mini")
  String model;

  @Inject
  @ConfigProperty(name = "agentwire.llm.api-key")
  Optional<String> apiKey;

  @Inject
  @ConfigProperty(name = "agentwire.llm.system-prompt", defaultValue = DEFAULT_PROMPT)
  String systemPrompt;

  @Inject
  @ConfigProperty(name = "agentwire.llm.timeout-ms", defaultValue = "120000")
  long timeoutMs;

  @Inject @Any Instance<Tool> toolBeans;

  /** Starts each model stream, off the run's thread (see {@link StreamingRun}). */
  @Resource ManagedExecutorService starter;

  private StreamingChatModel chatModel;
  private AgentWireTools tools;

  @PostConstruct
  void init() {
    if (baseUrl.isEmpty()) {
      return;
    }
    chatModel =
        OpenAiStreamingChatModel.builder()
            .baseUrl(baseUrl.get())
            // Local servers (Ollama, vLLM) want no key; the client still sends a header.
            .apiKey(apiKey.orElse("none"))
            .modelName(model)
            .timeout(Duration.ofMillis(timeoutMs))
            // Models that stream their reasoning (reasoning_content) show it as agent_thinking.
            .returnThinking(true)
            .build();
    tools = AgentWireTools.of(toolBeans).only(Set.of("calculator", "clock"));
    LOG.info(() -> "agent 'llm': model " + model + " at " + baseUrl.get());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean enabled() {
    return baseUrl.isPresent();
  }

  @Override
  public String run(AgentContext context) throws Exception {
    return StreamingRun.stream(
        context,
        tools,
        starter,
        provider ->
            AiServices.builder(Assistant.class)
                .streamingChatModel(chatModel)
                .systemMessage(systemPrompt)
                .toolProvider(provider)
                .build()
                .chat(context.input()));
  }
}
