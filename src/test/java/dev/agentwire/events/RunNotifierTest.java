package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentwire.events.EventData.AgentCompleted;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A notifier numbers its run's events from 1 and can speak only for its one run. */
class RunNotifierTest {

  private final List<AgentEvent> events = new ArrayList<>();
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-11-26T04:12:49.120Z"), ZoneOffset.UTC);

  @Test
  void eventsAreNumberedFromOneAndCarryTheRunsIdentity() {
    RunNotifier notifier = new RunNotifier(events::add, clock).bind("ada", "t-1", "r-1");
    notifier.started("scripted", "in");
    notifier.thinking("hm");
    notifier.completed(new AgentCompleted("succeeded", "out", null, 5));
    assertEquals(List.of(1L, 2L, 3L), events.stream().map(AgentEvent::seq).toList());
    for (AgentEvent event : events) {
      assertEquals("ada", event.owner());
      assertEquals("t-1", event.threadId());
      assertEquals("r-1", event.runId());
      assertEquals(clock.instant(), event.createdAt());
    }
  }

  @Test
  void nothingFollowsCompletion() {
    RunNotifier notifier = new RunNotifier(events::add, clock).bind("ada", "t-1", "r-1");
    notifier.started("scripted", "in");
    notifier.completed(new AgentCompleted("cancelled", null, null, 5));
    assertThrows(IllegalStateException.class, () -> notifier.thinking("late"));
    assertEquals(2, events.size());
  }

  @Test
  void theFirstEventMustBeAgentStarted() {
    RunNotifier notifier = new RunNotifier(events::add, clock).bind("ada", "t-1", "r-1");
    assertThrows(IllegalStateException.class, () -> notifier.thinking("too early"));
    assertEquals(List.of(), events);
  }

  @Test
  void aNotifierServesOneRunOnly() {
    RunNotifier notifier = new RunNotifier(events::add, clock).bind("ada", "t-1", "r-1");
    assertThrows(IllegalStateException.class, () -> notifier.bind("eve", "t-2", "r-2"));
    assertThrows(
        IllegalStateException.class,
        () -> new RunNotifier(events::add, clock).started("scripted", "unbound"));
  }
}
