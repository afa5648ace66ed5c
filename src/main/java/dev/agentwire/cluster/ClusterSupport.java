package dev.agentwire.cluster;

import dev.agentwire.events.AgentEvent;
import dev.agentwire.events.EventCodec;
import dev.agentwire.events.EventData.AgentCompleted;
import dev.agentwire.events.EventData.ToolCompleted;
import dev.agentwire.events.EventData.ToolExecuting;
import dev.agentwire.events.EventLog;
import dev.agentwire.events.EventStore;
import dev.agentwire.events.EventType;
import dev.agentwire.events.LocalEventLog;
import dev.agentwire.events.RetentionSettings;
import dev.agentwire.events.UserHash;
import dev.agentwire.runs.boundary.RemoteRuns;
import dev.agentwire.runs.control.RunRegistry;
import dev.agentwire.runs.control.ThreadRegistry;
import dev.agentwire.runs.entity.Run;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether this node is part of a cluster, and what it does there. Off unless {@code
 * agentwire.cluster.enabled} is true; then the data grid Payara binds at {@code payara/Hazelcast}
 * must be there, or the application does not start (a cluster silently running as separate nodes
 * would lose events). The Hazelcast-specific class is loaded by name only then, so the WAR deploys
 * on servers without Hazelcast.
 *
 * <p>In a cluster every event, and every cancel request for a run on another node, goes through one
 * {@link ClusterLog} that all nodes read in the same order. This class produces the application's
 * {@link EventLog}: the {@link ClusteredEventLog} over that log, or on a single server the {@link
 * LocalEventLog}; nothing else in the application knows which. From the log each node also knows
 * the runs in progress anywhere (so that any node can cancel one for its owner, as {@link
 * RemoteRuns}) and the threads of every user; and when a member is lost, the oldest member ends the
 * lost member's runs with {@code agent_completed} {@code failed} {@code node_lost}, after
 * everything the lost member wrote.
 */
@ApplicationScoped
public class ClusterSupport implements RemoteRuns {

  private static final Logger LOG = Logger.getLogger(ClusterSupport.class.getName());
  static final String HAZELCAST_JNDI = "payara/Hazelcast";
  static final String HAZELCAST_LOG = "dev.agentwire.cluster.hazelcast.HazelcastLog";
  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

  @Inject
  @ConfigProperty(name = "agentwire.cluster.enabled", defaultValue = "false")
  boolean enabled;

  @Inject
  @ConfigProperty(name = "agentwire.cluster.log-capacity", defaultValue = "100000")
  int capacity;

  @Resource ManagedThreadFactory threads;
  @Resource ManagedScheduledExecutorService scheduler;
  @Inject RunRegistry registry;
  @Inject ThreadRegistry threadRegistry;
  @Inject Event<AgentEvent> bus;
  @Inject EventCodec codec;
  @Inject RetentionSettings retention;

  /** The runs in progress anywhere, as the log tells them; written by the reader thread only. */
  private final Map<String, RunInProgress> runs = new ConcurrentHashMap<>();

  private volatile ClusterLog log;
  private volatile ClusteredEventLog events;
  private boolean resolved;
  private ScheduledFuture<?> sweeper;

  /** A run in progress somewhere, with its open tool calls ({@code call_id|tool} → start). */
  private record RunInProgress(
      String owner,
      String threadId,
      String member,
      long lastSeq,
      long startedMillis,
      Map<String, Long> openCalls) {}

  /** The application's event log: the cluster's when cluster mode is on, else this server's. */
  @Produces
  @ApplicationScoped
  EventLog eventLog(LocalEventLog local) {
    return clustered().<EventLog>map(clustered -> clustered).orElse(local);
  }

  /** The cluster's event log, or empty on a single node. */
  private synchronized Optional<ClusteredEventLog> clustered() {
    if (!resolved) {
      resolved = true;
      if (enabled) {
        log = connect(threads);
        EventStore store = new EventStore(log.epoch(), retention.retention(), Clock.systemUTC());
        events = new ClusteredEventLog(log, store, codec);
        long period = retention.sweepPeriodMs();
        sweeper =
            scheduler.scheduleAtFixedRate(store::sweep, period, period, TimeUnit.MILLISECONDS);
      }
      LOG.info(
          log == null
              ? "single node: events stay in this server"
              : "cluster mode: events go through the data grid's log (epoch " + log.epoch() + ")");
    }
    return Optional.ofNullable(events);
  }

  /**
   * How this node stands in the cluster: empty on a single server; else whether it is a running
   * member of the grid and how many entries of the log its reader has not read yet.
   */
  public Optional<Standing> standing() {
    return clustered().map(events -> new Standing(log.connected(), log.lag()));
  }

  /** This node's place in the cluster, for health checks and metrics. */
  public record Standing(boolean connected, long lag) {}

  /**
   * In cluster mode, starts reading the cluster log at deployment: every node keeps every user's
   * events, so a client can resume on any node, also one it never was connected to.
   */
  void start(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    clustered().ifPresent(this::read);
  }

  private void read(ClusteredEventLog sink) {
    ClusterLog clusterLog = log;
    clusterLog.start(
        new ClusterLog.Reader() {
          @Override
          public void entry(long number, String item) {
            read(clusterLog, sink, number, item);
          }

          @Override
          public void gap(long upTo) {
            sink.gap(upTo);
          }

          @Override
          public void memberLost(String member) {
            if (clusterLog.oldest()) {
              // In the log's order: the lost member's runs end after all it wrote.
              clusterLog.append(
                  JSON.createObjectBuilder()
                      .add("k", "lost")
                      .add("m", member)
                      .add("by", clusterLog.member())
                      .build()
                      .toString());
            }
          }
        });
  }

  /** The tool call an event opens or closes, as {@code call_id|tool}, or empty. */
  static String callOf(AgentEvent event) {
    if (event.data() instanceof ToolExecuting executing) {
      return executing.callId() + "|" + executing.tool();
    }
    if (event.data() instanceof ToolCompleted completed) {
      return completed.callId() + "|" + completed.tool();
    }
    return "";
  }

  /**
   * Asks the node running a run of this owner to cancel it; false when no such run is in progress
   * anywhere (for this owner: another user's run is answered as if it did not exist).
   */
  @Override
  public boolean cancel(String owner, String runId) {
    RunInProgress run = runs.get(runId);
    if (log == null || run == null || !run.owner().equals(owner)) {
      return false;
    }
    log.append(
        JSON.createObjectBuilder()
            .add("k", "cancel")
            .add("o", owner)
            .add("r", runId)
            .build()
            .toString());
    return true;
  }

  private void read(ClusterLog clusterLog, ClusteredEventLog sink, long number, String item) {
    JsonObject entry;
    try (var reader = READERS.createReader(new StringReader(item))) {
      entry = reader.readObject();
    }
    switch (entry.getString("k")) {
      case "event" -> {
        String owner = entry.getString("o");
        String runId = entry.getString("r");
        if (EventType.AGENT_COMPLETED.name().equals(entry.getString("y"))) {
          runs.remove(runId);
        } else {
          RunInProgress known = runs.get(runId);
          long created = entry.getJsonNumber("c").longValue();
          Map<String, Long> calls = known == null ? new LinkedHashMap<>() : known.openCalls();
          String call = entry.getString("call");
          if (EventType.TOOL_EXECUTING.name().equals(entry.getString("y"))) {
            calls.put(call, created);
          } else if (EventType.TOOL_COMPLETED.name().equals(entry.getString("y"))) {
            calls.remove(call);
          }
          runs.put(
              runId,
              new RunInProgress(
                  owner,
                  entry.getString("t"),
                  entry.getString("m"),
                  entry.getJsonNumber("s").longValue(),
                  known == null ? created : known.startedMillis(),
                  calls));
          if (known == null) {
            threadRegistry.remember(owner, entry.getString("t"));
          }
        }
        sink.stored(number, entry);
      }
      case "cancel" ->
          registry.find(entry.getString("o"), entry.getString("r")).ifPresent(Run::requestCancel);
      case "lost" -> {
        if (entry.getString("by").equals(clusterLog.member())) {
          endRunsOf(entry.getString("m"));
        }
      }
      default -> LOG.warning("unknown entry in the cluster log: " + entry.getString("k"));
    }
  }

  /**
   * Ends, for their users, the runs that were in progress on a member that is gone: each open tool
   * call with {@code tool_completed} {@code error}, then the run with {@code agent_completed}
   * {@code failed} {@code node_lost}, numbered on from the last event the log has of the run.
   */
  private void endRunsOf(String member) {
    Instant now = Instant.now();
    runs.forEach(
        (runId, run) -> {
          if (!run.member().equals(member)) {
            return;
          }
          LOG.warning(
              "run "
                  + runId
                  + " of user "
                  + UserHash.of(run.owner())
                  + " was on a lost member; ending it");
          long seq = run.lastSeq();
          for (Map.Entry<String, Long> call : run.openCalls().entrySet()) {
            String[] idAndTool = call.getKey().split("\\|", 2);
            bus.fire(
                event(
                    run,
                    runId,
                    ++seq,
                    now,
                    EventType.TOOL_COMPLETED,
                    ToolCompleted.abandoned(
                        idAndTool[0],
                        idAndTool[1],
                        "the server running this tool stopped",
                        now.toEpochMilli() - call.getValue())));
          }
          bus.fire(
              event(
                  run,
                  runId,
                  ++seq,
                  now,
                  EventType.AGENT_COMPLETED,
                  AgentCompleted.failed(
                      "node_lost",
                      "the server running this run stopped; start it again",
                      now.toEpochMilli() - run.startedMillis())));
        });
  }

  private static AgentEvent event(
      RunInProgress run, String runId, long seq, Instant at, EventType type, Object data) {
    return new AgentEvent(run.owner(), runId, run.threadId(), seq, at, type, data);
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
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    if (log != null) {
      log.close();
    }
  }
}
