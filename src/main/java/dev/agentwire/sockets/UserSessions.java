package dev.agentwire.sockets;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.Cursor;
import dev.agentwire.events.EventLog;
import dev.agentwire.events.RunSequences;
import dev.agentwire.events.UserHash;
import dev.agentwire.security.ConnectionQuota;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every open connection, by user, and the bridge from agent events to them. An event goes into the
 * {@link EventLog}, which numbers and keeps it; the log then says whose stream grew, and each of
 * that user's connections reads on through its cursor, on the flusher's thread. So every connection
 * sees its user's events in the log's order, and a resuming connection gets each event exactly
 * once: its cursor starts at the id it resumes from. One path for one server and for a cluster:
 * which log it is, is not this class's concern.
 */
@ApplicationScoped
public class UserSessions {

  private static final Logger LOG = Logger.getLogger(UserSessions.class.getName());

  private final ConcurrentHashMap<String, List<Connection>> byUser = new ConcurrentHashMap<>();
  private final AtomicLong lostEvents = new AtomicLong();
  private final AtomicLong seqGaps = new AtomicLong();
  private final RunSequences sequences = new RunSequences();

  @Inject WireFormat wire;
  @Inject EventLog log;
  @Inject SocketSettings settings;
  @Inject Flusher flusher;
  @Inject ConnectionQuota quota;
  @Inject SocketMetrics metrics;
  @Resource ManagedScheduledExecutorService scheduler;

  private ScheduledFuture<?> heartbeats;

  @PostConstruct
  void start() {
    log.listen(this::wake);
    long every = settings.pingIntervalMs();
    heartbeats =
        scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    heartbeats.cancel(false);
  }

  /**
   * Attaches a new connection of the user; one over the user's or the server's connection limit
   * (possible only when reservations lapsed) is closed with 1008 instead. Either way the connection
   * is returned, and {@link #close} must be called for it.
   *
   * @param lastEventId the id of the last event the client processed, or null for no resume
   * @param expiresAt when the token the connection was opened with expires (then it is closed with
   *     4401), or null when it was not opened with a token
   */
  Connection open(Session session, String user, String lastEventId, Instant expiresAt) {
    Connection connection =
        new Connection(session, user, settings, wire, metrics, scheduler, flusher::schedule);
    if (!quota.opened(user)) {
      connection.refuse(
          new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many connections"));
      return connection;
    }
    try {
      Cursor cursor = log.open(user, lastEventId);
      if (lastEventId != null) {
        metrics.resumed(cursor.failure() == null ? "resumed" : cursor.failure());
      }
      connection.attach(cursor, lastEventId != null);
      if (expiresAt != null) {
        connection.expireAt(expiresAt);
      }
      byUser.computeIfAbsent(user, key -> new CopyOnWriteArrayList<>()).add(connection);
      flusher.schedule(connection); // the replay, and whatever was logged while it attached
    } catch (RuntimeException e) {
      LOG.log(
          Level.SEVERE,
          "could not attach a connection of user " + UserHash.of(user) + "; closing it",
          e);
      connection.refuse(
          new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "could not attach"));
    }
    return connection;
  }

  void close(Connection connection) {
    connection.closed();
    byUser.computeIfPresent(
        connection.user(),
        (key, connections) -> {
          connections.remove(connection);
          return connections.isEmpty() ? null : connections;
        });
    quota.closed(connection.user());
  }

  /**
   * Puts an event of a run into the log. A failure here loses the event for its user: it must never
   * fail the run that produced it, and it is logged at SEVERE and counted.
   */
  void route(@Observes AgentEvent event) {
    try {
      if (!sequences.next(event)) {
        seqGaps.incrementAndGet();
        LOG.warning(
            () ->
                "run "
                    + event.runId()
                    + " of user "
                    + UserHash.of(event.owner())
                    + " skipped or repeated a seq: "
                    + event.type()
                    + " has seq "
                    + event.seq());
      }
      log.append(event);
    } catch (RuntimeException e) {
      lostEvents.incrementAndGet();
      LOG.log(
          Level.SEVERE,
          "could not log "
              + event.type()
              + " of run "
              + event.runId()
              + " of user "
              + UserHash.of(event.owner())
              + "; it is lost",
          e);
    }
  }

  /** The log has more of the user's events: each of the user's connections reads on. */
  private void wake(String user) {
    List<Connection> connections = byUser.get(user);
    if (connections != null) {
      connections.forEach(flusher::schedule);
    }
  }

  /** Pings every connection, and closes those whose clients have gone silent. */
  private void heartbeat() {
    long now = System.nanoTime();
    for (List<Connection> connections : byUser.values()) {
      for (Connection connection : connections) {
        try {
          connection.heartbeat(now);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "heartbeat of a connection failed", e);
        }
      }
    }
  }

  /** The number of open connections of a user. */
  public int connections(String user) {
    List<Connection> connections = byUser.get(user);
    return connections == null ? 0 : connections.size();
  }

  /**
   * What the user's connections have not been sent yet, summed, in UTF-8 bytes: their replies, and
   * the user's kept events each has not read. Memory is taken only by the replies: the events are
   * kept once, in the log.
   */
  public long backlog(String user) {
    List<Connection> connections = byUser.get(user);
    return connections == null ? 0 : connections.stream().mapToLong(Connection::backlog).sum();
  }

  /** Events that could not be logged: each is lost for its user (and logged at SEVERE). */
  public long lostEvents() {
    return lostEvents.get();
  }

  /** Events whose seq did not follow their run's previous one (logged at WARNING). */
  public long seqGaps() {
    return seqGaps.get();
  }

  /** Open connections, all users. */
  public int openConnections() {
    return byUser.values().stream().mapToInt(List::size).sum();
  }

  /** The largest backlog of any connection, in UTF-8 bytes (see {@link #backlog}). */
  public long largestBacklog() {
    long largest = 0;
    for (List<Connection> connections : byUser.values()) {
      for (Connection connection : connections) {
        largest = Math.max(largest, connection.backlog());
      }
    }
    return largest;
  }
}
