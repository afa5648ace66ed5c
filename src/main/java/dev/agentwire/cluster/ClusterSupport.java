package dev.agentwire.cluster;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether this node is part of a cluster, and its {@link ClusterLog} if so. Off unless {@code
 * agentwire.cluster.enabled} is true; then the data grid Payara binds at {@code payara/Hazelcast}
 * must be there, or the application does not start (a cluster silently running as separate nodes
 * would lose events). The Hazelcast-specific class is loaded by name only then, so the WAR deploys
 * on servers without Hazelcast.
 */
@ApplicationScoped
public class ClusterSupport {

  private static final Logger LOG = Logger.getLogger(ClusterSupport.class.getName());
  static final String HAZELCAST_JNDI = "payara/Hazelcast";
  static final String HAZELCAST_LOG = "dev.agentwire.cluster.hazelcast.HazelcastLog";

  @Inject
  @ConfigProperty(name = "agentwire.cluster.enabled", defaultValue = "false")
  boolean enabled;

  @Inject
  @ConfigProperty(name = "agentwire.cluster.log-capacity", defaultValue = "100000")
  int capacity;

  @Resource ManagedThreadFactory threads;

  private ClusterLog log;
  private boolean resolved;

  /** The cluster log, or empty on a single node. */
  public synchronized Optional<ClusterLog> log() {
    if (!resolved) {
      resolved = true;
      log = enabled ? connect(threads) : null;
      LOG.info(
          log == null
              ? "single node: events stay in this server"
              : "cluster mode: events go through the data grid's log (epoch " + log.epoch() + ")");
    }
    return Optional.ofNullable(log);
  }

  private ClusterLog connect(ThreadFactory threads) {
    Object hazelcast;
    try {
      hazelcast = new InitialContext().lookup(HAZELCAST_JNDI);
    } catch (NamingException e) {
      throw new IllegalStateException(
          "agentwire.cluster.enabled is true, but there is no data grid at "
              + HAZELCAST_JNDI
              + " (Payara Micro started with --nohazelcast, or not a Payara server)",
          e);
    }
    try {
      return (ClusterLog)
          Class.forName(HAZELCAST_LOG)
              .getConstructor(Object.class, int.class, ThreadFactory.class)
              .newInstance(hazelcast, capacity, threads);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("could not start the cluster log on the data grid", e);
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (log != null) {
      log.close();
    }
  }
}
