package dev.agentwire.cluster;

/**
 * The cluster-wide, ordered log of events that every node reads in the same order: how events of a
 * run on one node reach the user's connections on every node, with ids that mean the same on all of
 * them. Only JDK types cross it, so that nothing here needs the data grid's classes.
 */
public interface ClusterLog extends AutoCloseable {

  /** What a reader gets: the event's owner, its number in the log (from 1), its frame template. */
  interface Sink {
    void accept(String owner, long number, String template);
  }

  /** Identifies this log's lifetime: part of every event id, so ids of a former log never match. */
  String epoch();

  /** Appends an event; every node's reader (this one's included) delivers it. */
  void publish(String owner, String template);

  /** Starts reading from the oldest entry the log keeps, delivering each to the sink in order. */
  void start(Sink sink);

  @Override
  void close();
}
