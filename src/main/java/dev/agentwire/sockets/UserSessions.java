package dev.agentwire.sockets;

import dev.agentwire.cluster.ClusterSupport;
import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventHistory;
import dev.agentwire.events.EventHistory.Replay;
import dev.agentwire.security.ConnectionQuota;
import dev.agentwire.sockets.ServerMessages.ResumeFailed;
import dev.agentwire.sockets.ServerMessages.Resumed;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every open connection, by user, and the bridge from agent events to them. Per user, one lock
 * covers three things: giving an event its id and keeping it in the history, queueing it on each of
 * the user's connections, and attaching a new connection with the replay of what it missed. So
 * every connection sees the user's events in one order, and a resuming connection gets each event
 * exactly once: in its replay if the event came before it attached, live if after.
 */
@ApplicationScoped
public class UserSessions {

  private static final Logger LOG = Logger.getLogger(UserSessions.class.getName());

  /** Where the id goes in a frame published to the cluster log; the first occurrence is the id. */
  static final String ID_PLACEHOLDER = "@agentwire-id@";

  /** Set once at deployment in cluster mode: events then go through the cluster log. */
  private volatile boolean clustered;

  private final ConcurrentHashMap<String, List<Subscriber>> byUser = new ConcurrentHashMap<>();

  @Inject WireFormat wire;
  @Inject EventHistory history;
  @Inject SocketSettings settings;
  @Inject Flusher flusher;
  @Inject ClusterSupport cluster;
  @Inject ConnectionQuota quota;
  @Resource ManagedScheduledExecutorService scheduler;

  private ScheduledFuture<?> heartbeats;

  public UserSessions() {}

  UserSessions(WireFormat wire, EventHistory history) {
    this.wire = wire;
    this.history = history;
  }

  @PostConstruct
  void startHeartbeats() {
    long every = settings.pingIntervalMs();
    heartbeats =
        scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopHeartbeats() {
    heartbeats.cancel(false);
  }

  /**
   * Attaches a new connection of the user; one over the user's or the server's connection limit
   * (possible only when reservations lapsed) is closed with 1008 instead. Either way the connection
   * is returned, and {@link #close} must be called for it.
   *
   * @param lastEventId the id of the last event the client processed, or null for no resume
   */
  Connection open(Session session, String user, String lastEventId) {
    Connection connection = new Connection(session, user, settings, scheduler, this::flush);
    if (!quota.opened(user)) {
      connection.refuse(
          new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many connections"));
      return connection;
    }
    try {
      subscribe(user, lastEventId, connection);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "could not attach a connection of " + user + "; closing it", e);
      connection.refuse(
          new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "could not attach"));
    }
    return connection;
  }

  void close(Connection connection) {
    connection.closed();
    unsubscribe(connection.user(), connection);
    quota.closed(connection.user());
  }

  /** Pings every connection, and closes those whose clients have gone silent. */
  private void heartbeat() {
    long now = System.nanoTime();
    for (List<Subscriber> subscribers : byUser.values()) {
      for (Subscriber subscriber : subscribers) {
        try {
          subscriber.heartbeat(now);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "heartbeat of a connection failed", e);
        }
      }
    }
  }

  void subscribe(String user, String lastEventId, Subscriber subscriber) {
    attach(user, lastEventId, subscriber);
    subscriber.flush();
  }

  private void attach(String user, String lastEventId, Subscriber subscriber) {
    byUser.compute(
        user,
        (key, subscribers) -> {
          if (lastEventId != null) {
            subscriber.begin(replay(user, lastEventId));
          }
          List<Subscriber> list = subscribers == null ? new CopyOnWriteArrayList<>() : subscribers;
          list.add(subscriber);
          return list;
        });
  }

  void unsubscribe(String user, Subscriber subscriber) {
    byUser.computeIfPresent(
        user,
        (key, subscribers) -> {
          subscribers.remove(subscriber);
          return subscribers.isEmpty() ? null : subscribers;
        });
  }

  private List<String> replay(String user, String lastEventId) {
    Replay replay = history.replayAfter(user, lastEventId);
    List<String> prelude = new ArrayList<>(replay.events().size() + 1);
    prelude.addAll(replay.events());
    prelude.add(
        wire.write(
            replay.ok()
                ? new Resumed(replay.events().size())
                : new ResumeFailed(replay.failure())));
    return prelude;
  }

  private void flush(Subscriber subscriber) {
    if (flusher == null) {
      subscriber.flush(); // outside the container (unit tests): write at once
    } else {
      flusher.schedule(subscriber);
    }
  }

  /** One subscriber's trouble is its own: the others still get the event. */
  private static void deliver(Subscriber subscriber, Supplier<String> what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not deliver " + what.get() + " to a connection", e);
    }
  }

  /** The number of open connections of a user. */
  public int connections(String user) {
    List<Subscriber> subscribers = byUser.get(user);
    return subscribers == null ? 0 : subscribers.size();
  }

  /**
   * What waits in the outboxes of a user's connections, in UTF-8 bytes (bounded per connection).
   */
  public long backlog(String user) {
    List<Subscriber> subscribers = byUser.get(user);
    return subscribers == null ? 0 : subscribers.stream().mapToLong(Subscriber::backlog).sum();
  }

  /**
   * In cluster mode, starts reading the cluster log at deployment: every node keeps every user's
   * history, so a client can resume on any node, also one it never was connected to.
   */
  void start(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    if (cluster == null) {
      return;
    }
    cluster
        .log()
        .ifPresent(
            log -> {
              history.useEpoch(log.epoch());
              clustered = true;
              cluster.start(this::fromLog);
            });
  }

  void route(@Observes AgentEvent event) {
    try {
      if (clustered) {
        // Every node's reader, this one's included, stores and delivers it, in the log's order.
        cluster.publish(event, wire.write(EventFrame.of(ID_PLACEHOLDER, event)));
        return;
      }
      store(
          event.owner(),
          () -> event.type() + " of run " + event.runId(),
          () -> history.append(event, id -> wire.write(EventFrame.of(id, event))));
    } catch (RuntimeException e) {
      // A delivery problem must never fail the run that produced the event.
      LOG.log(Level.SEVERE, "could not deliver " + event.type() + " of run " + event.runId(), e);
    }
  }

  /** An event read from the cluster log: stored under its number there, then delivered. */
  void fromLog(String owner, long number, String template) {
    int at = template.indexOf(ID_PLACEHOLDER);
    String before = template.substring(0, at);
    String after = template.substring(at + ID_PLACEHOLDER.length());
    store(
        owner,
        () -> "event " + number + " of the cluster log",
        () -> history.appendAs(owner, number, id -> before + id + after));
  }

  /**
   * Stores an event in its owner's history and queues it on each of the owner's connections under
   * the owner's lock, then has the flusher write them, outside the lock.
   */
  private void store(String owner, Supplier<String> what, Supplier<EventHistory.Stored> append) {
    List<Subscriber> reached = new ArrayList<>();
    byUser.compute(
        owner,
        (user, subscribers) -> {
          String json = append.get().json();
          if (subscribers != null) {
            for (Subscriber subscriber : subscribers) {
              deliver(subscriber, what, () -> subscriber.enqueue(json));
              reached.add(subscriber);
            }
          }
          return subscribers;
        });
    reached.forEach(subscriber -> deliver(subscriber, what, () -> flush(subscriber)));
  }
}
