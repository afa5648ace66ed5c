package dev.agentwire.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import dev.agentwire.cluster.ClusterLog;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster log on the data grid Payara embeds: one Hazelcast ringbuffer, whose single partition
 * orders every append, with one synchronous backup so that a killed member loses nothing that was
 * acknowledged. Not a CDI bean: it is created only when the cluster mode is on, so that the WAR
 * never loads Hazelcast classes where there are none.
 */
public final class HazelcastLog implements ClusterLog {

  private static final Logger LOG = Logger.getLogger(HazelcastLog.class.getName());
  static final String NAME = "agentwire-events";

  private final HazelcastInstance hz;
  private final Ringbuffer<String> ring;
  private final String epoch;
  private final ThreadFactory threads;
  private volatile Thread reader;
  private volatile UUID membership;
  private volatile long nextToRead;

  public HazelcastLog(Object hazelcast, int capacity, ThreadFactory threads) {
    HazelcastInstance hz = (HazelcastInstance) hazelcast;
    this.hz = hz;
    hz.getConfig()
        .addRingBufferConfig(new RingbufferConfig(NAME).setCapacity(capacity).setBackupCount(1));
    this.ring = hz.getRingbuffer(NAME);
    IMap<String, String> meta = hz.getMap("agentwire-cluster");
    String mine = Long.toString(UUID.randomUUID().getMostSignificantBits() >>> 1, 36);
    String existing = meta.putIfAbsent("epoch", mine);
    this.epoch = existing == null ? mine : existing;
    this.threads = threads;
  }

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public String member() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public boolean oldest() {
    return hz.getCluster().getMembers().iterator().next().localMember();
  }

  @Override
  public long lag() {
    return Math.max(0, ring.tailSequence() + 1 - nextToRead);
  }

  @Override
  public boolean connected() {
    return hz.getLifecycleService().isRunning();
  }

  @Override
  public void append(String item) {
    ring.add(item);
  }

  @Override
  public void start(Reader sink) {
    membership =
        hz.getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent event) {}

                  @Override
                  public void memberRemoved(MembershipEvent event) {
                    Member lost = event.getMember();
                    // Hazelcast's event thread must not wait: the reader's thread factory acts.
                    threads.newThread(() -> sink.memberLost(lost.getUuid().toString())).start();
                  }
                });
    reader = threads.newThread(() -> read(sink));
    reader.setName("agentwire-cluster-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Reader sink) {
    long next = ring.headSequence();
    nextToRead = next;
    while (!Thread.currentThread().isInterrupted()) {
      ReadResultSet<String> batch;
      try {
        batch = ring.readManyAsync(next, 1, 1000, null).toCompletableFuture().get();
      } catch (InterruptedException e) {
        return; // undeployed
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StaleSequenceException) {
          long head = ring.headSequence();
          LOG.severe(
              "this node fell behind the cluster log: entries "
                  + (next + 1)
                  + " to "
                  + head
                  + " were dropped unread; resumes across them will say expired");
          sink.gap(head); // entry numbers are sequences + 1: the last one lost is head
          next = head;
          continue;
        }
        LOG.log(Level.SEVERE, "reading the cluster log failed; retrying in a second", e);
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException interrupted) {
          return;
        }
        continue;
      }
      for (int i = 0; i < batch.size(); i++) {
        try {
          sink.entry(batch.getSequence(i) + 1, batch.get(i));
        } catch (RuntimeException e) {
          LOG.log(Level.SEVERE, "could not deliver an event of the cluster log", e);
        }
      }
      next = batch.getNextSequenceToReadFrom();
      nextToRead = next;
    }
  }

  @Override
  public void close() {
    UUID registration = membership;
    if (registration != null) {
      hz.getCluster().removeMembershipListener(registration);
    }
    Thread current = reader;
    if (current != null) {
      current.interrupt();
    }
  }
}
