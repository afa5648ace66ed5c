package dev.agentwire.runs.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentContext;
import dev.agentwire.agents.Caller;
import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventType;
import dev.agentwire.events.RunNotifier;
import dev.agentwire.runs.control.AgentCatalog;
import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.runs.control.ThreadRegistry;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.runs.entity.RunRequest;
import jakarta.ejb.EJBException;
import jakarta.enterprise.inject.Instance;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run the container refuses to start (found in review: during undeploy the EJB hand-over can
 * fail) still ends with agent_completed, and does not keep one of its user's slots.
 */
class RefusedLaunchStillEndsTheRunTest {

  private final List<AgentEvent> events = new ArrayList<>();

  @Test
  void aRefusedRunEndsAsFailedAndFreesItsSlot() throws Exception {
    RunRegistry registry = new RunRegistry(5);
    RunService runs = new RunService();
    runs.catalog = catalogOf(agent());
    runs.threads = new ThreadRegistry(1000);
    runs.registry = registry;
    runs.executor =
        new RunExecutor() {
          @Override
          public void execute(Run run, Agent agent) {
            throw new EJBException("the asynchronous pool refused the task");
          }
        };
    runs.notifiers = notifiers();

    Run run = runs.accept(new RunRequest(Caller.named("ada"), "hello", null, null));
    runs.launch(run);

    assertEquals(0, registry.running("ada"), "the slot is free again");
    assertEquals(
        List.of(EventType.AGENT_STARTED, EventType.AGENT_COMPLETED),
        events.stream().map(AgentEvent::type).toList());
    AgentCompleted end = (AgentCompleted) events.get(1).data();
    assertEquals("failed", end.status());
    assertEquals("internal_error", end.error().code());
  }

  private static Agent agent() {
    return new Agent() {
      @Override
      public String name() {
        return "assistant";
      }

      @Override
      public String run(AgentContext context) {
        return "never runs";
      }
    };
  }

  private static AgentCatalog catalogOf(Agent agent) {
    return new AgentCatalog() {
      @Override
      public Optional<Agent> find(String name) {
        return Optional.of(agent);
      }

      @Override
      public boolean allows(String agentName, java.util.Set<String> roles) {
        return true;
      }
    };
  }

  /** CDI's Instance, reduced to what RunService uses: get() and destroy(). */
  @SuppressWarnings("unchecked")
  private Instance<RunNotifier> notifiers() {
    return (Instance<RunNotifier>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Instance.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "get" -> new RunNotifier(events::add, Clock.systemUTC());
                  case "destroy" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
