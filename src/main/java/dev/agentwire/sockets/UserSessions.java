package dev.agentwire.sockets;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventHistory;
import dev.agentwire.events.EventHistory.Replay;
import dev.agentwire.sockets.ServerMessages.ResumeFailed;
import dev.agentwire.sockets.ServerMessages.Resumed;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private final ConcurrentHashMap<String, List<Subscriber>> byUser = new ConcurrentHashMap<>();

  @Inject WireFormat wire;
  @Inject EventHistory history;
  @Inject SocketSettings settings;
  @Inject Flusher flusher;
  @Resource ManagedScheduledExecutorService scheduler;

  public UserSessions() {}

  UserSessions(WireFormat wire, EventHistory history) {
    this.wire = wire;
    this.history = history;
  }

  /**
   * Attaches a new connection of the user.
   *
   * @param lastEventId the id of the last event the client processed, or null for no resume
   */
  Connection open(Session session, String user, String lastEventId) {
    Connection connection = new Connection(session, user, settings, scheduler, this::flush);
    subscribe(user, lastEventId, connection);
    return connection;
  }

  void close(Connection connection) {
    connection.closed();
    unsubscribe(connection.user(), connection);
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
  private static void deliver(Subscriber subscriber, AgentEvent event, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not deliver " + event.type() + " to a connection", e);
    }
  }

  /** The number of open connections of a user. */
  public int connections(String user) {
    List<Subscriber> subscribers = byUser.get(user);
    return subscribers == null ? 0 : subscribers.size();
  }

  /** What waits in the outboxes of a user's connections, in characters (bounded per connection). */
  public long backlog(String user) {
    List<Subscriber> subscribers = byUser.get(user);
    return subscribers == null ? 0 : subscribers.stream().mapToLong(Subscriber::backlog).sum();
  }

  void route(@Observes AgentEvent event) {
    try {
      List<Subscriber> reached = new ArrayList<>();
      byUser.compute(
          event.owner(),
          (user, subscribers) -> {
            String json = history.append(event, id -> wire.write(EventFrame.of(id, event))).json();
            if (subscribers != null) {
              for (Subscriber subscriber : subscribers) {
                deliver(subscriber, event, () -> subscriber.enqueue(json));
                reached.add(subscriber);
              }
            }
            return subscribers;
          });
      // Outside the lock, and off this thread: the flusher writes, batching what queued up.
      reached.forEach(subscriber -> deliver(subscriber, event, () -> flush(subscriber)));
    } catch (RuntimeException e) {
      // A delivery problem must never fail the run that produced the event.
      LOG.log(Level.SEVERE, "could not deliver " + event.type() + " of run " + event.runId(), e);
    }
  }
}
