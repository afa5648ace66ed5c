package dev.agentwire.runs.control;

import dev.agentwire.runs.entity.RunRejected;
import dev.agentwire.runs.entity.RunRejected.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which conversation threads each user created, so that a {@code thread_id} from a client is only
 * honoured for its owner. Each user's most recently used threads are kept, up to a bound.
 */
@ApplicationScoped
public class ThreadRegistry {

  private final int maxPerUser;
  private final ConcurrentHashMap<String, Map<String, Boolean>> threadsByOwner =
      new ConcurrentHashMap<>();

  @Inject
  public ThreadRegistry(
      @ConfigProperty(name = "agentwire.threads.max-per-user", defaultValue = "1000")
          int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  protected ThreadRegistry() {
    this(0);
  }

  /** A fresh thread id, not yet remembered: {@link #remember} it once its first run is accepted. */
  public String newThreadId() {
    return "t-" + UUID.randomUUID();
  }

  /**
   * Checks that the owner created this thread. Another user's thread is answered exactly like a
   * thread that never existed.
   */
  public void requireOwned(String owner, String threadId) throws RunRejected {
    Map<String, Boolean> threads = threadsByOwner.get(owner);
    boolean owned;
    if (threads == null) {
      owned = false;
    } else {
      synchronized (threads) {
        owned = threads.get(threadId) != null;
      }
    }
    if (!owned) {
      throw new RunRejected(Reason.THREAD_NOT_FOUND, "no thread " + threadId);
    }
  }

  public void remember(String owner, String threadId) {
    Map<String, Boolean> threads =
        threadsByOwner.computeIfAbsent(owner, user -> new RecentlyUsed(maxPerUser));
    synchronized (threads) {
      threads.put(threadId, Boolean.TRUE);
    }
  }

  private static final class RecentlyUsed extends LinkedHashMap<String, Boolean> {
    private final int capacity;

    RecentlyUsed(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > capacity;
    }
  }
}
