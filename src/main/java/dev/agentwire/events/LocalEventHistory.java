package dev.agentwire.events;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The event history of this server, in memory. An event is kept while it is among its user's last
 * {@code max-events} or younger than {@code max-age}, within a hard bound per user and in total; a
 * user's history is dropped once it has been idle for {@code idle-ttl}.
 *
 * <p>Ids are {@code <boot>-<n>}: {@code boot} is random per start, so an id from before a restart
 * is recognised as such, never matched by accident; {@code n} grows across all users, so it orders
 * each user's stream and never repeats within a boot.
 */
@ApplicationScoped
public class LocalEventHistory implements EventHistory {

  /** Exactly the form {@link #append} issues: a base-36 boot and a number without leading zeros. */
  private static final Pattern ID = Pattern.compile("([0-9a-z]+)-([1-9][0-9]*)");

  /** A rough per-event memory overhead (map entry, record, string header), for accounting. */
  static final long OVERHEAD_BYTES = 96;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-events", defaultValue = "1000")
  int maxEvents;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-age-ms", defaultValue = "300000")
  long maxAgeMs;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-bytes-per-user", defaultValue = "8388608")
  long maxBytesPerUser;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-bytes", defaultValue = "268435456")
  long maxBytes;

  @Inject
  @ConfigProperty(name = "agentwire.history.idle-ttl-ms", defaultValue = "1800000")
  long idleTtlMs;

  @Resource ManagedScheduledExecutorService scheduler;

  private volatile String boot = Long.toString(new SecureRandom().nextLong() >>> 1, 36);
  private final AtomicLong lastNumber = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong();
  private final ConcurrentHashMap<String, UserLog> logs = new ConcurrentHashMap<>();
  private Clock clock = Clock.systemUTC();
  private ScheduledFuture<?> sweeper;

  public LocalEventHistory() {}

  /** For tests: no sweeper; call {@link #sweep()} by hand. */
  public LocalEventHistory(
      int maxEvents,
      long maxAgeMs,
      long maxBytesPerUser,
      long maxBytes,
      long idleTtlMs,
      Clock clock) {
    this.maxEvents = maxEvents;
    this.maxAgeMs = maxAgeMs;
    this.maxBytesPerUser = maxBytesPerUser;
    this.maxBytes = maxBytes;
    this.idleTtlMs = idleTtlMs;
    this.clock = clock;
  }

  @PostConstruct
  void startSweeper() {
    long periodMs = Math.max(1_000, Math.min(maxAgeMs, idleTtlMs) / 4);
    sweeper = scheduler.scheduleAtFixedRate(this::sweep, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopSweeper() {
    if (sweeper != null) {
      sweeper.cancel(false);
    }
  }

  @Override
  public Stored append(AgentEvent event, Function<String, String> serializer) {
    return store(event.owner(), lastNumber::incrementAndGet, serializer);
  }

  @Override
  public Stored appendAs(String owner, long number, Function<String, String> serializer) {
    return store(
        owner,
        () -> {
          lastNumber.accumulateAndGet(number, Math::max);
          return number;
        },
        serializer);
  }

  @Override
  public void useEpoch(String epoch) {
    if (!ID.matcher(epoch + "-1").matches()) {
      throw new IllegalArgumentException("not an id prefix: " + epoch);
    }
    boot = epoch;
  }

  private Stored store(String owner, LongSupplier numbering, Function<String, String> serializer) {
    while (true) {
      UserLog log = logs.computeIfAbsent(owner, user -> new UserLog(lastNumber.get()));
      Stored stored;
      synchronized (log) {
        if (log.retired) {
          continue; // the sweeper dropped it just now: use a fresh one
        }
        long number = numbering.getAsLong();
        String id = boot + "-" + number;
        String json = serializer.apply(id);
        log.add(number, json, clock.millis());
        totalBytes.addAndGet(size(json));
        trim(log, clock.millis());
        stored = new Stored(id, json);
      }
      enforceTotal(log);
      return stored;
    }
  }

  @Override
  public Replay replayAfter(String owner, String lastEventId) {
    Matcher id = ID.matcher(lastEventId);
    if (!id.matches()) {
      return Replay.failed(Reasons.INVALID_ID);
    }
    if (!id.group(1).equals(boot)) {
      return Replay.failed(Reasons.SERVER_RESTARTED);
    }
    long number;
    try {
      number = Long.parseLong(id.group(2));
    } catch (NumberFormatException e) {
      return Replay.failed(Reasons.UNKNOWN_ID); // more digits than any id this boot will reach
    }
    if (number > lastNumber.get()) {
      return Replay.failed(Reasons.UNKNOWN_ID);
    }
    UserLog log = logs.get(owner);
    if (log == null) {
      return Replay.failed(Reasons.EXPIRED);
    }
    synchronized (log) {
      if (log.events.containsKey(number)) {
        List<String> missed = new ArrayList<>();
        log.events.tailMap(number, false).values().forEach(entry -> missed.add(entry.json()));
        return Replay.of(missed);
      }
      // At or below what this history has dropped, the id may have been this user's: expired.
      // Above it, and not kept, it never was: unknown.
      return Replay.failed(number <= log.evictedUpTo ? Reasons.EXPIRED : Reasons.UNKNOWN_ID);
    }
  }

  /** Drops what has aged out, and the histories of users idle for longer than the idle TTL. */
  public void sweep() {
    long now = clock.millis();
    for (Map.Entry<String, UserLog> entry : logs.entrySet()) {
      UserLog log = entry.getValue();
      synchronized (log) {
        trim(log, now);
        if (now - log.lastAppendMillis > idleTtlMs) {
          log.retired = true;
          evictWhile(log, () -> !log.events.isEmpty());
          logs.remove(entry.getKey(), log);
        }
      }
    }
  }

  /** The approximate memory the kept events take, for monitoring and tests. */
  public long totalBytes() {
    return totalBytes.get();
  }

  public int users() {
    return logs.size();
  }

  private void trim(UserLog log, long now) {
    evictWhile(
        log,
        () ->
            (log.bytes > maxBytesPerUser && log.events.size() > 1)
                || (log.events.size() > maxEvents && now - log.oldestMillis() > maxAgeMs));
  }

  /** Over the total bound, the user who just appended gives up its oldest first, then others. */
  private void enforceTotal(UserLog appender) {
    if (totalBytes.get() <= maxBytes) {
      return;
    }
    synchronized (appender) {
      evictWhile(appender, () -> appender.events.size() > 1 && totalBytes.get() > maxBytes);
    }
    Iterator<UserLog> others = logs.values().iterator();
    while (totalBytes.get() > maxBytes && others.hasNext()) {
      UserLog other = others.next();
      if (other != appender) {
        synchronized (other) {
          evictWhile(other, () -> !other.events.isEmpty() && totalBytes.get() > maxBytes);
        }
      }
    }
  }

  private void evictWhile(UserLog log, BooleanSupplier condition) {
    while (!log.events.isEmpty() && condition.getAsBoolean()) {
      Map.Entry<Long, Entry> oldest = log.events.pollFirstEntry();
      long freed = size(oldest.getValue().json);
      log.bytes -= freed;
      totalBytes.addAndGet(-freed);
      log.evictedUpTo = oldest.getKey();
    }
  }

  /** What an event counts against the bounds: its UTF-8 bytes, plus the cost of keeping it. */
  private static long size(String json) {
    return Utf8.length(json) + OVERHEAD_BYTES;
  }

  private record Entry(String json, long createdMillis) {}

  /** One user's kept events, by number; guarded by its own monitor. */
  private static final class UserLog {
    final TreeMap<Long, Entry> events = new TreeMap<>();
    long bytes;
    long lastAppendMillis;
    boolean retired;

    /** Events numbered up to here may have been this user's and are gone. */
    long evictedUpTo;

    UserLog(long evictedUpTo) {
      this.evictedUpTo = evictedUpTo;
    }

    void add(long number, String json, long now) {
      events.put(number, new Entry(json, now));
      bytes += size(json);
      lastAppendMillis = now;
    }

    long oldestMillis() {
      return events.firstEntry().getValue().createdMillis;
    }
  }
}
