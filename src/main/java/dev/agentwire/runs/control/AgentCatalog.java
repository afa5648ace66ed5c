package dev.agentwire.runs.control;

import dev.agentwire.agents.Agent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The agents users may run, by name: every {@link Agent} bean, less those switched off. */
@ApplicationScoped
public class AgentCatalog {

  static final String SCRIPTED = "scripted";

  @Inject @Any Instance<Agent> beans;
  @Inject Config config;

  @Inject
  @ConfigProperty(name = "agentwire.agents.scripted.enabled", defaultValue = "false")
  boolean scriptedEnabled;

  @Inject
  @ConfigProperty(name = "agentwire.agents.default", defaultValue = "assistant")
  String defaultAgent;

  private Map<String, Agent> agents;
  private Function<String, Optional<String>> requiredRoles;

  public AgentCatalog() {}

  AgentCatalog(Iterable<Agent> agents, boolean scriptedEnabled, String defaultAgent) {
    this.scriptedEnabled = scriptedEnabled;
    this.defaultAgent = defaultAgent;
    this.agents = index(agents);
    this.requiredRoles = agent -> Optional.empty();
  }

  @PostConstruct
  void init() {
    agents = index(beans);
    requiredRoles =
        agent -> config.getOptionalValue("agentwire.agents." + agent + ".roles", String.class);
  }

  private Map<String, Agent> index(Iterable<Agent> all) {
    Map<String, Agent> byName = new TreeMap<>();
    for (Agent agent : all) {
      if ((SCRIPTED.equals(agent.name()) && !scriptedEnabled) || !agent.enabled()) {
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

  /**
   * Whether a caller with these roles may start the agent: yes, unless {@code
   * agentwire.agents.<name>.roles} lists roles (comma-separated) and the caller has none of them.
   */
  public boolean allows(String agent, Set<String> roles) {
    Optional<String> required = requiredRoles.apply(agent);
    if (required.isEmpty() || required.get().isBlank()) {
      return true;
    }
    for (String role : required.get().split(",")) {
      if (roles.contains(role.trim())) {
        return true;
      }
    }
    return false;
  }

  public String defaultAgent() {
    return defaultAgent;
  }
}
