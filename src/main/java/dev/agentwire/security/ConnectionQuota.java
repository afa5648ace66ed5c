package dev.agentwire.security;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How many connections a user, and the server, may hold, and how fast a user may open them. A
 * handshake reserves its place before the upgrade, so the one past a limit is refused with an HTTP
 * status, not accepted and dropped; the endpoint turns the reservation into an open connection, or
 * the filter returns it when the upgrade did not happen. A reservation the endpoint never claimed
 * lapses after {@link #RESERVATION_NANOS}, so a lost one cannot shrink a user's quota for good.
 */
@ApplicationScoped
public class ConnectionQuota {

  private static final Logger LOG = Logger.getLogger(ConnectionQuota.class.getName());
  static final long RESERVATION_NANOS = TimeUnit.SECONDS.toNanos(30);

  @Inject
  @ConfigProperty(name = "agentwire.ws.max-connections-per-user", defaultValue = "16")
  int maxPerUser;

  @Inject
  @ConfigProperty(name = "agentwire.ws.max-connections", defaultValue = "20000")
  int maxTotal;

  @Inject
  @ConfigProperty(name = "agentwire.ws.handshakes-per-second", defaultValue = "10")
  double handshakesPerSecond;

  @Inject
  @ConfigProperty(name = "agentwire.ws.handshake-burst", defaultValue = "50")
  int handshakeBurst;

  @Resource ManagedScheduledExecutorService scheduler;

  private final ConcurrentHashMap<String, UserQuota> users = new ConcurrentHashMap<>();
  private final AtomicInteger taken = new AtomicInteger();
  private LongSupplier nanoTime = System::nanoTime;
  private ScheduledFuture<?> sweeper;

  public ConnectionQuota() {}

  ConnectionQuota(
      int maxPerUser,
      int maxTotal,
      double handshakesPerSecond,
      int handshakeBurst,
      LongSupplier nanoTime) {
    this.maxPerUser = maxPerUser;
    this.maxTotal = maxTotal;
    this.handshakesPerSecond = handshakesPerSecond;
    this.handshakeBurst = handshakeBurst;
    this.nanoTime = nanoTime;
  }

  @PostConstruct
  void startSweeper() {
    sweeper = scheduler.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.MINUTES);
  }

  @PreDestroy
  void stopSweeper() {
    sweeper.cancel(false);
  }

  /** What a refused handshake is told. */
  private enum Verdict {
    ADMITTED,
    TOO_FAST,
    TOO_MANY,
    SERVER_FULL
  }

  /**
   * Reserves a connection for the user's handshake.
   *
   * @throws HandshakeRejected 429 when the user opens connections too fast or holds the most
   *     allowed, 503 when the server does
   */
  public void admit(String user) throws HandshakeRejected {
    long now = nanoTime.getAsLong();
    Verdict[] verdict = new Verdict[1];
    users.compute(
        user,
        (key, existing) -> {
          UserQuota quota = existing == null ? new UserQuota() : existing;
          verdict[0] = quota.admit(now);
          return quota;
        });
    switch (verdict[0]) {
      case ADMITTED -> {}
      case TOO_FAST ->
          throw new HandshakeRejected(
              429,
              "handshake_rate",
              "too many connection attempts; slow down and retry",
              retryAfterSeconds());
      case TOO_MANY ->
          throw new HandshakeRejected(
              429,
              "user_connections",
              "too many open connections for this user (at most "
                  + maxPerUser
                  + "); close one first",
              5);
      case SERVER_FULL -> {
        LOG.warning(
            () -> "refused a handshake: the server holds its most connections (" + maxTotal + ")");
        throw new HandshakeRejected(
            503, "server_full", "the server is at its connection limit; retry later", 5);
      }
    }
  }

  private long retryAfterSeconds() {
    return Math.max(1, (long) Math.ceil(1 / handshakesPerSecond));
  }

  /** The handshake that reserved a connection was not upgraded after all. */
  public void cancel(String user) {
    users.computeIfPresent(
        user,
        (key, quota) -> {
          if (quota.pending.pollLast() != null) {
            taken.decrementAndGet();
          }
          return quota;
        });
  }

  /**
   * A connection of the user is open: it takes the user's reservation. False when it is over a
   * limit (a reservation lapsed meanwhile and others took its place); the caller then closes it and
   * still reports {@link #closed}.
   */
  public boolean opened(String user) {
    boolean[] within = new boolean[1];
    users.compute(
        user,
        (key, existing) -> {
          UserQuota quota = existing == null ? new UserQuota() : existing;
          if (quota.pending.pollFirst() == null) {
            taken.incrementAndGet(); // no reservation left to take over: count it afresh
          }
          quota.open++;
          within[0] = quota.open <= maxPerUser && taken.get() <= maxTotal;
          return quota;
        });
    return within[0];
  }

  /** A connection reported by {@link #opened} has closed. */
  public void closed(String user) {
    users.computeIfPresent(
        user,
        (key, quota) -> {
          quota.open--;
          taken.decrementAndGet();
          return quota;
        });
  }

  /** Open connections plus reservations, server-wide. */
  public int connections() {
    return taken.get();
  }

  /**
   * Forgets users with nothing open, nothing reserved and a full handshake budget: forgetting them
   * changes nothing, so the map holds only users who are connected or recently tried.
   */
  void sweep() {
    long now = nanoTime.getAsLong();
    for (String user : users.keySet()) {
      users.computeIfPresent(
          user,
          (key, quota) -> {
            quota.lapse(now);
            return quota.open == 0 && quota.pending.isEmpty() && quota.handshakes.isFull()
                ? null
                : quota;
          });
    }
  }

  /** One user's connections, reservations and handshake budget; guarded by the map's bin lock. */
  private final class UserQuota {
    final TokenBucket handshakes;
    final ArrayDeque<Long> pending = new ArrayDeque<>();
    int open;

    UserQuota() {
      handshakes = new TokenBucket(handshakesPerSecond, handshakeBurst, nanoTime);
    }

    Verdict admit(long now) {
      lapse(now);
      if (!handshakes.tryAcquire()) {
        return Verdict.TOO_FAST;
      }
      if (open + pending.size() >= maxPerUser) {
        return Verdict.TOO_MANY;
      }
      if (taken.get() >= maxTotal) {
        return Verdict.SERVER_FULL;
      }
      pending.addLast(now);
      taken.incrementAndGet();
      return Verdict.ADMITTED;
    }

    /** Drops reservations that no connection claimed in time. */
    void lapse(long now) {
      while (!pending.isEmpty() && now - pending.peekFirst() > RESERVATION_NANOS) {
        pending.pollFirst();
        taken.decrementAndGet();
      }
    }
  }
}
