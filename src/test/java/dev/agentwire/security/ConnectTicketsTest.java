package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A connect ticket is good once, for its user, within 30 s and never past its token's expiry. */
class ConnectTicketsTest {

  private static final class Moving extends Clock {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final Moving clock = new Moving();
  private final ConnectTickets tickets = new ConnectTickets(clock);

  private Authenticator.UserPrincipal user(String name, Instant expiresAt) {
    return new Authenticator.UserPrincipal(name, expiresAt);
  }

  @Test
  void aTicketIsGoodOnceForItsUser() {
    String ticket = tickets.issue(user("ann", clock.now.plusSeconds(600))).orElseThrow();
    assertTrue(ticket.matches("[A-Za-z0-9_-]{43}"), ticket);
    assertNotEquals(ticket, tickets.issue(user("ann", clock.now.plusSeconds(600))).orElseThrow());
    assertEquals("ann", tickets.redeem(ticket).orElseThrow().getName());
    assertTrue(tickets.redeem(ticket).isEmpty(), "used twice");
    assertTrue(tickets.redeem("made-up").isEmpty());
    assertTrue(tickets.redeem(null).isEmpty());
  }

  @Test
  void aTicketUsedLateOrPastItsTokensExpiryIsRefused() {
    String late = tickets.issue(user("ann", clock.now.plusSeconds(600))).orElseThrow();
    String shortToken = tickets.issue(user("bob", clock.now.plusSeconds(5))).orElseThrow();
    clock.now = clock.now.plusSeconds(6);
    assertTrue(tickets.redeem(shortToken).isEmpty(), "its token expired");
    clock.now = clock.now.plusSeconds(25);
    assertTrue(tickets.redeem(late).isEmpty(), "after 30 s");
  }
}
