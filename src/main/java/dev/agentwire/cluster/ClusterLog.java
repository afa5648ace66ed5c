package dev.agentwire.cluster;

/**
 * The cluster-wide, ordered log that every node reads in the same order: how events of a run on one
 * node reach the user's connections on every node, with ids that mean the same on all of them, and
 * how requests about a run reach the node running it. Only JDK types cross it, so that nothing here
 * needs the data grid's classes.
 */
public interface ClusterLog extends AutoCloseable {

  /** What the log tells each node, in order. */
  interface Reader {
    /** An entry of the log: its number in the log (from 1) and what was appended. */
    void entry(long number, String item);

    /** A member left the cluster without finishing its runs (it died or was cut off). */
    void memberLost(String member);

    /** This reader fell behind: entries up to this number were dropped before it read them. */
    void gap(long upTo);
  }

  /** Identifies this log's lifetime: part of every event id, so ids of a former log never match. */
  String epoch();

  /** This node's identity in the cluster. */
  String member();

  /** Whether this node is the oldest member: the one that acts for a member that was lost. */
  boolean oldest();

  /** How many entries the log holds that this node's reader has not read yet. */
  long lag();

  /** Whether this node is a running member of the grid. */
  boolean connected();

  /** Appends an item; every node's reader (this one's included) gets it, in the log's order. */
  void append(String item);

  /** Starts reading from the oldest entry the log keeps. */
  void start(Reader reader);

  @Override
  void close();
}
