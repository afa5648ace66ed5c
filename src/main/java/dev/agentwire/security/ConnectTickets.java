package dev.agentwire.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connect tickets: what a browser puts in the WebSocket URL instead of its token, which proxies and
 * access logs would keep. A ticket is 256 random bits, good for one handshake within {@link #TTL},
 * for the user of the token it was issued for (and only until that token expires). Tickets live in
 * this server's memory: in a cluster, a client connects to the node it got the ticket from, or uses
 * its token.
 */
@ApplicationScoped
public class ConnectTickets {

  static final Duration TTL = Duration.ofSeconds(30);
  private static final int MAX_OUTSTANDING = 100_000;

  private record Ticket(Principal user, Instant expiresAt) {}

  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Ticket> outstanding = new ConcurrentHashMap<>();
  private Clock clock = Clock.systemUTC();

  public ConnectTickets() {}

  ConnectTickets(Clock clock) {
    this.clock = clock;
  }

  /** A new ticket for the user, or empty when too many are outstanding. */
  Optional<String> issue(Authenticator.UserPrincipal user) {
    Instant now = clock.instant();
    if (outstanding.size() >= MAX_OUTSTANDING) {
      outstanding.values().removeIf(ticket -> !ticket.expiresAt().isAfter(now));
      if (outstanding.size() >= MAX_OUTSTANDING) {
        return Optional.empty();
      }
    }
    byte[] bits = new byte[32];
    random.nextBytes(bits);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    Instant expiresAt = now.plus(TTL);
    if (user.expiresAt() != null && user.expiresAt().isBefore(expiresAt)) {
      expiresAt = user.expiresAt();
    }
    outstanding.put(ticket, new Ticket(user, expiresAt));
    return Optional.of(ticket);
  }

  /** The user of a ticket, which is used up; empty when unknown, used or expired. */
  Optional<Principal> redeem(String ticket) {
    Ticket found = ticket == null ? null : outstanding.remove(ticket);
    if (found == null || !found.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(found.user());
  }
}
