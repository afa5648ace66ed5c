package dev.agentwire.runs.control;

import dev.agentwire.agents.Agent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The agents users may run, by name: every {@link Agent} bean, less those switched off. */
@ApplicationScoped
public class AgentCatalog {

  static final String SCRIPTED = "scripted";

  @Inject @Any Instance<Agent> beans;

  @Inject
  @ConfigProperty(name = "agentwire.agents.scripted.enabled", defaultValue = "false")
  boolean scriptedEnabled;

  @Inject
  @ConfigProperty(name = "agentwire.agents.default", defaultValue = "assistant")
  String defaultAgent;

  private Map<String, Agent> agents;

  public AgentCatalog() {}

  AgentCatalog(Iterable<Agent> agents, boolean scriptedEnabled, String defaultAgent) {
    this.scriptedEnabled = scriptedEnabled;
    this.defaultAgent = defaultAgent;
    this.agents = index(agents);
  }

  @PostConstruct
  void init() {
    agents = index(beans);
  }

  private Map<String, Agent> index(Iterable<Agent> all) {
    Map<String, Agent> byName = new TreeMap<>();
    for (Agent agent : all) {
      if (SCRIPTED.equals(agent.name()) && !scriptedEnabled) {
        continue;
      }
      Agent clash = byName.put(agent.name(), agent);
      if (clash != null) {
        throw new IllegalStateException(
            "two agents are named '" + agent.name() + "': " + clash + " and " + agent);
      }
    }
    return Map.copyOf(byName);
  }

  /** The named agent, or the default agent when {@code name} is null. */
  public Optional<Agent> find(String name) {
    return Optional.ofNullable(agents.get(name == null ? defaultAgent : name));
  }

  public String defaultAgent() {
    return defaultAgent;
  }
}
