package dev.agentwire.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A run's events must come numbered 1, 2, 3, …; a gap or a repeat is caught. */
class RunSequencesTest {

  private final RunSequences sequences = new RunSequences();

  private static AgentEvent event(String run, long seq, EventType type) {
    return new AgentEvent("ada", run, "t-1", seq, Instant.now(), type, null);
  }

  @Test
  void aWholeRunIsInOrder() {
    assertTrue(sequences.next(event("r-1", 1, EventType.AGENT_STARTED)));
    assertTrue(sequences.next(event("r-2", 1, EventType.AGENT_STARTED)));
    assertTrue(sequences.next(event("r-1", 2, EventType.TOOL_EXECUTING)));
    assertTrue(sequences.next(event("r-1", 3, EventType.TOOL_COMPLETED)));
    assertTrue(sequences.next(event("r-1", 4, EventType.AGENT_COMPLETED)));
    assertTrue(sequences.next(event("r-2", 2, EventType.AGENT_COMPLETED)));
  }

  @Test
  void aGapARepeatAndAMissingStartAreCaught() {
    assertTrue(sequences.next(event("r-1", 1, EventType.AGENT_STARTED)));
    assertFalse(sequences.next(event("r-1", 3, EventType.AGENT_THINKING)), "2 is missing");
    assertFalse(sequences.next(event("r-1", 3, EventType.AGENT_THINKING)), "3 again");
    assertFalse(sequences.next(event("r-9", 2, EventType.AGENT_THINKING)), "no agent_started");
  }

  @Test
  void theEndingOfALostMembersRunIsAccepted() {
    assertTrue(sequences.next(event("r-elsewhere", 7, EventType.TOOL_COMPLETED)));
    assertTrue(sequences.next(event("r-elsewhere", 8, EventType.AGENT_COMPLETED)));
  }
}
