package dev.agentwire.sockets;

import dev.agentwire.events.AgentEvent;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every open connection, by user, and the bridge from agent events to them: each event is given its
 * id in the user's stream and serialized once, then queued on every connection of its owner and no
 * one else's. Per user, that happens under one lock, so all of a user's connections see the same
 * events in the same order.
 */
@ApplicationScoped
public class UserSessions {

  private static final Logger LOG = Logger.getLogger(UserSessions.class.getName());

  /** Distinguishes this boot's event ids from any earlier boot's. */
  private final String epoch = Long.toString(System.currentTimeMillis(), 36);

  private final AtomicLong nextEventNumber = new AtomicLong();
  private final ConcurrentHashMap<String, List<Connection>> byUser = new ConcurrentHashMap<>();

  @Inject WireFormat wire;
  @Inject SocketSettings settings;
  @Resource ManagedExecutorService executor;

  Connection open(Session session, String user) {
    Connection connection = new Connection(session, user, settings, executor);
    byUser.compute(
        user,
        (key, connections) -> {
          List<Connection> list = connections == null ? new CopyOnWriteArrayList<>() : connections;
          list.add(connection);
          return list;
        });
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
  }

  /** The number of open connections of a user. */
  public int connections(String user) {
    List<Connection> connections = byUser.get(user);
    return connections == null ? 0 : connections.size();
  }

  void route(@Observes AgentEvent event) {
    try {
      byUser.computeIfPresent(
          event.owner(),
          (user, connections) -> {
            String json = wire.write(EventFrame.of(nextId(), event));
            for (Connection connection : connections) {
              connection.send(json);
            }
            return connections;
          });
    } catch (RuntimeException e) {
      // A delivery problem must never fail the run that produced the event.
      LOG.log(Level.SEVERE, "could not deliver " + event.type() + " of run " + event.runId(), e);
    }
  }

  private String nextId() {
    return epoch + "-" + nextEventNumber.incrementAndGet();
  }
}
