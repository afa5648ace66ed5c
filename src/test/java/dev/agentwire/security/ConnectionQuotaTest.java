package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A user's and the server's connection limits hold before any upgrade, reservations become
 * connections or are given back, and a lost reservation cannot shrink a quota for good.
 */
class ConnectionQuotaTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ConnectionQuota quota = new ConnectionQuota(3, 5, 2, 4, now::get);

  private void open(String user) throws HandshakeRejected {
    quota.admit(user);
    assertTrue(quota.opened(user));
  }

  private void later(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void theConnectionPastTheUsersLimitIsRefusedWith429() throws HandshakeRejected {
    open("ann");
    open("ann");
    open("ann");
    later(10);

    HandshakeRejected e = assertThrows(HandshakeRejected.class, () -> quota.admit("ann"));
    assertEquals(429, e.status());
    assertTrue(e.getMessage().contains("at most 3"), e.getMessage());

    quota.closed("ann");
    open("ann"); // a closed one gives its place back
  }

  @Test
  void reservationsCountBeforeTheUpgradeCompletes() throws HandshakeRejected {
    quota.admit("ann");
    quota.admit("ann");
    quota.admit("ann");

    assertEquals(429, assertThrows(HandshakeRejected.class, () -> quota.admit("ann")).status());
    quota.cancel("ann"); // one handshake was not upgraded after all
    later(1);
    quota.admit("ann");
  }

  @Test
  void handshakesFasterThanTheRateAreRefusedWithRetryAfter() throws HandshakeRejected {
    for (int i = 0; i < 4; i++) {
      quota.admit("bob");
      quota.cancel("bob");
    }
    HandshakeRejected e = assertThrows(HandshakeRejected.class, () -> quota.admit("bob"));
    assertEquals(429, e.status());
    assertTrue(e.retryAfterSeconds() >= 1);

    later(1); // two more per second
    quota.admit("bob");
  }

  @Test
  void theServersLimitIsRefusedWith503() throws HandshakeRejected {
    open("a");
    open("b");
    open("c");
    open("d");
    open("e");

    assertEquals(503, assertThrows(HandshakeRejected.class, () -> quota.admit("f")).status());
    assertEquals(5, quota.connections());
  }

  @Test
  void aReservationNoConnectionClaimedLapses() throws HandshakeRejected {
    quota.admit("ann");
    quota.admit("ann");
    quota.admit("ann");
    later(31);

    quota.admit("ann");
    assertEquals(1, quota.connections(), "the three lapsed ones are gone");
  }

  @Test
  void aConnectionOverTheLimitAfterALapseIsReportedSoTheEndpointClosesIt()
      throws HandshakeRejected {
    quota.admit("ann"); // its connection is slow to open
    later(31);
    open("ann");
    open("ann");
    open("ann");

    assertFalse(quota.opened("ann"), "the fourth open connection is over the limit");
    quota.closed("ann");
    assertEquals(3, quota.connections());
  }

  @Test
  void usersWithNothingOpenAreForgottenOnlyOnceTheirBudgetIsFull() throws HandshakeRejected {
    for (int i = 0; i < 4; i++) {
      quota.admit("bob");
      quota.cancel("bob");
    }
    quota.sweep();
    assertThrows(HandshakeRejected.class, () -> quota.admit("bob"), "still remembered");

    later(3);
    quota.sweep();
    for (int i = 0; i < 4; i++) {
      quota.admit("bob"); // a fresh budget, as after forgetting
      quota.cancel("bob");
    }
    assertEquals(0, quota.connections());
  }
}
