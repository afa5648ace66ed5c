package dev.agentwire.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The events one server keeps: per user, one stream in the order of the log they came from, each
 * event once however many of the user's connections read it. A connection reads through a {@link
 * Cursor}, a position in its user's stream; what it has not read yet is not copied anywhere.
 *
 * <p>Retention: an event is kept while it is among its user's last {@code maxEvents} or younger
 * than {@code maxAge}, within a hard bound per user and one in total; over the total, the users who
 * hold the most give up their oldest first. A user's stream with no cursor open is dropped once it
 * has been idle for {@code idleTtl}. Every bound counts the UTF-8 bytes of the wire form plus a
 * fixed overhead per event.
 *
 * <p>Event ids are {@code <epoch>-<number>}: the number is the event's position in the log (it only
 * grows, across all users), the epoch names the log's lifetime, so an id of an earlier one is
 * recognised as such and never matched by accident. Each user's stream has its own lock: the number
 * of an event, its wire form and its place in the stream are fixed together under it.
 */
public final class EventStore {

  /** Exactly the form {@link #id} issues: a base-36 epoch and a number without leading zeros. */
  private static final Pattern ID = Pattern.compile("([0-9a-z]+)-([1-9][0-9]*)");

  /** A rough per-event memory overhead (entry, record, string header), for accounting. */
  static final long OVERHEAD_BYTES = 96;

  /** The bounds of what is kept. */
  public record Retention(
      int maxEvents, long maxAgeMs, long maxBytesPerUser, long maxBytes, long idleTtlMs) {}

  private final String epoch;
  private final Retention retention;
  private final Clock clock;
  private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicLong totalBytes = new AtomicLong();
  private final AtomicLong lastNumber = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong owed = new AtomicLong();
  private final ReentrantLock evicting = new ReentrantLock();
  private volatile long gapUpTo;

  public EventStore(String epoch, Retention retention, Clock clock) {
    if (!ID.matcher(epoch + "-1").matches()) {
      throw new IllegalArgumentException("not an epoch: " + epoch);
    }
    this.epoch = epoch;
    this.retention = retention;
    this.clock = clock;
  }

  public String epoch() {
    return epoch;
  }

  /** The id of the event numbered {@code number} in this log. */
  public String id(long number) {
    return epoch + "-" + number;
  }

  /** The number of the last event stored, of any user; 0 before the first. */
  public long lastNumber() {
    return lastNumber.get();
  }

  /**
   * Stores one event of {@code owner}: under the owner's lock, takes its number from {@code
   * numbering} (numbers must grow), builds its wire form for that number, and appends it.
   */
  public void append(String owner, LongSupplier numbering, LongFunction<String> frame) {
    while (true) {
      Stream stream = streams.computeIfAbsent(owner, user -> new Stream(lastNumber.get()));
      stream.lock.lock();
      try {
        if (stream.retired) {
          continue; // the sweeper dropped it just now: use a fresh one
        }
        long number = numbering.getAsLong();
        if (number <= stream.lastNumber()) {
          throw new IllegalArgumentException(
              "event numbers must grow: " + number + " after " + stream.lastNumber());
        }
        String json = frame.apply(number);
        long now = clock.millis();
        long size = size(json);
        stream.add(new Entry(number, json, now, size, stream.appendedBytes + size));
        if (stream.cursors == 0) {
          held.incrementAndGet(); // no connection: kept for a resume
        } else {
          owed.addAndGet(stream.cursors); // one delivery to each open connection
        }
        totalBytes.addAndGet(size);
        lastNumber.accumulateAndGet(number, Math::max);
        trim(stream, now);
      } finally {
        stream.lock.unlock();
      }
      enforceTotal();
      return;
    }
  }

  /**
   * Marks that events numbered up to {@code upTo} may be missing from this store (its reader fell
   * behind the log): a cursor or a resume from before that point can no longer be served whole.
   */
  public void gap(long upTo) {
    gapUpTo = Math.max(gapUpTo, upTo);
    lastNumber.accumulateAndGet(upTo, Math::max);
  }

  /**
   * Opens a cursor into the owner's stream: after {@code lastEventId} when it can be resumed from,
   * else (no id, or one that cannot be resumed from, with the reason) at the stream's end, for live
   * events only. The stream stays while the cursor is open; close it.
   */
  public Cursor open(String owner, String lastEventId) {
    String failure = lastEventId == null ? null : check(lastEventId);
    while (true) {
      Stream stream = streams.computeIfAbsent(owner, user -> new Stream(lastNumber.get()));
      stream.lock.lock();
      try {
        if (stream.retired) {
          continue;
        }
        stream.cursors++;
        long head = lastNumber.get();
        long appends = stream.appends;
        if (lastEventId == null || failure != null) {
          return new Cursor(this, stream, head, head, 0, failure, appends);
        }
        long number = Long.parseLong(ID.matcher(lastEventId).replaceFirst("$2"));
        int index = stream.indexOf(number);
        long floor = Math.max(stream.evictedUpTo, gapUpTo);
        if (index >= 0 && number >= gapUpTo) {
          return new Cursor(this, stream, number, head, stream.size() - index - 1, null, appends);
        }
        String reason = number <= floor ? ResumeFailures.EXPIRED : ResumeFailures.UNKNOWN_ID;
        return new Cursor(this, stream, head, head, 0, reason, appends);
      } finally {
        stream.lock.unlock();
      }
    }
  }

  /** Why an id cannot be resumed from, as far as its form tells; null when it might be. */
  private String check(String lastEventId) {
    Matcher id = ID.matcher(lastEventId);
    if (!id.matches()) {
      return ResumeFailures.INVALID_ID;
    }
    if (!id.group(1).equals(epoch)) {
      return ResumeFailures.SERVER_RESTARTED;
    }
    try {
      return Long.parseLong(id.group(2)) > lastNumber.get() ? ResumeFailures.UNKNOWN_ID : null;
    } catch (NumberFormatException e) {
      return ResumeFailures.UNKNOWN_ID; // more digits than any number this log will reach
    }
  }

  /** The next events after the cursor's position, within {@code maxBytes} (at least one). */
  Cursor.Batch read(Cursor cursor, long maxBytes) {
    Stream stream = cursor.stream;
    stream.lock.lock();
    try {
      long position = cursor.position();
      if (Math.max(stream.evictedUpTo, gapUpTo) > position) {
        return Cursor.Batch.EXPIRED;
      }
      long limit = cursor.replaying() ? cursor.replayEnd() : Long.MAX_VALUE;
      List<String> frames = new ArrayList<>();
      long[] created = new long[8];
      int live = 0;
      long bytes = 0;
      boolean full = false;
      for (int i = stream.firstAfter(position); i < stream.end(); i++) {
        Entry entry = stream.entries.get(i);
        if (entry.number > limit) {
          break;
        }
        if (!frames.isEmpty() && bytes + entry.size > maxBytes) {
          full = true;
          break;
        }
        if (frames.size() == created.length) {
          created = Arrays.copyOf(created, created.length * 2);
        }
        created[frames.size()] = entry.createdMillis;
        frames.add(entry.json);
        bytes += entry.size;
        position = entry.number;
        if (entry.number > cursor.replayEnd()) {
          live++;
        }
      }
      if (!full && limit != Long.MAX_VALUE) {
        // The user has nothing more up to the end of the replay (the log's last number at opening
        // may be another user's): the replay is over.
        position = Math.max(position, limit);
      }
      cursor.moveTo(position);
      cursor.took(live);
      return new Cursor.Batch(frames, false, live, Arrays.copyOf(created, frames.size()));
    } finally {
      stream.lock.unlock();
    }
  }

  /** Whether retention dropped events after the cursor's position, which it can never read now. */
  boolean expired(Cursor cursor) {
    Stream stream = cursor.stream;
    stream.lock.lock();
    try {
      return Math.max(stream.evictedUpTo, gapUpTo) > cursor.position();
    } finally {
      stream.lock.unlock();
    }
  }

  /** What is kept after the cursor's position, in bytes as the bounds count them. */
  long backlog(Cursor cursor) {
    Stream stream = cursor.stream;
    stream.lock.lock();
    try {
      int next = stream.firstAfter(cursor.position());
      if (next >= stream.end()) {
        return 0;
      }
      Entry first = stream.entries.get(next);
      return stream.appendedBytes - (first.cumulative - first.size);
    } finally {
      stream.lock.unlock();
    }
  }

  /** Closes the cursor's hold on its stream; returns the live events it owed and never took. */
  long release(Cursor cursor) {
    Stream stream = cursor.stream;
    stream.lock.lock();
    try {
      stream.cursors--;
      return stream.appends - cursor.appendsAtOpen() - cursor.taken();
    } finally {
      stream.lock.unlock();
    }
  }

  /** Drops what has aged out, and the streams of users idle for longer than the idle TTL. */
  public void sweep() {
    long now = clock.millis();
    for (Map.Entry<String, Stream> entry : streams.entrySet()) {
      Stream stream = entry.getValue();
      stream.lock.lock();
      try {
        trim(stream, now);
        if (stream.cursors == 0 && now - stream.lastAppendMillis > retention.idleTtlMs()) {
          stream.retired = true;
          evictWhile(stream, () -> stream.size() > 0);
          streams.remove(entry.getKey(), stream);
        }
      } finally {
        stream.lock.unlock();
      }
    }
  }

  /** The memory the kept events take, as the bounds count it. */
  public long totalBytes() {
    return totalBytes.get();
  }

  /** Events appended while their user had no connection: kept for a resume only. */
  public long held() {
    return held.get();
  }

  /**
   * Deliveries owed since the start: for each event, one per connection of its user open when it
   * was appended. Each ends written or failed (counted by the connections), or is still pending.
   */
  public long owed() {
    return owed.get();
  }

  /** How many events retention has dropped since the start. */
  public long evicted() {
    return evicted.get();
  }

  /** Users with a stream. */
  public int users() {
    return streams.size();
  }

  private void trim(Stream stream, long now) {
    evictWhile(
        stream,
        () ->
            (stream.bytes > retention.maxBytesPerUser() && stream.size() > 1)
                || (stream.size() > retention.maxEvents()
                    && now - stream.oldest().createdMillis > retention.maxAgeMs()));
  }

  /**
   * Over the total bound, the users who hold the most give up their oldest events: all streams
   * above a level are cut down to it, the level chosen so that the total falls to 95% of the bound.
   * One appender at a time does it (the others go on), and the margin makes it rare: a scan of
   * every user per append would cost more than the append itself with thousands of users.
   */
  private void enforceTotal() {
    if (totalBytes.get() <= retention.maxBytes() || !evicting.tryLock()) {
      return;
    }
    try {
      long target = retention.maxBytes() - retention.maxBytes() / 20;
      long excess = totalBytes.get() - target;
      if (excess <= 0) {
        return;
      }
      List<Stream> all = new ArrayList<>(streams.values());
      all.sort((a, b) -> Long.compare(b.bytes, a.bytes));
      long level = level(all, excess);
      for (Stream stream : all) {
        if (stream.bytes <= level) {
          break;
        }
        stream.lock.lock();
        try {
          evictWhile(stream, () -> stream.bytes > level);
        } finally {
          stream.lock.unlock();
        }
      }
    } finally {
      evicting.unlock();
    }
  }

  /**
   * The level such that cutting every stream above it down to it frees at least {@code excess}
   * bytes, given the streams by size, largest first.
   */
  private static long level(List<Stream> bySize, long excess) {
    long sum = 0;
    for (int k = 0; k < bySize.size(); k++) {
      sum += bySize.get(k).bytes;
      long next = k + 1 < bySize.size() ? bySize.get(k + 1).bytes : 0;
      // Cutting the k+1 largest down to `next` frees sum - (k+1) * next.
      if (sum - (k + 1) * next >= excess) {
        return Math.max(next, (sum - excess) / (k + 1));
      }
    }
    return 0;
  }

  private void evictWhile(Stream stream, BooleanSupplier condition) {
    while (stream.size() > 0 && condition.getAsBoolean()) {
      Entry oldest = stream.removeOldest();
      totalBytes.addAndGet(-oldest.size);
      evicted.incrementAndGet();
    }
  }

  /** What an event counts against the bounds: its UTF-8 bytes, plus the cost of keeping it. */
  static long size(String json) {
    return Utf8.length(json) + OVERHEAD_BYTES;
  }

  /** One event as kept; {@code cumulative} is the stream's appended bytes up to and with it. */
  private record Entry(long number, String json, long createdMillis, long size, long cumulative) {}

  /** One user's kept events, oldest first; guarded by its lock. */
  static final class Stream {
    final ReentrantLock lock = new ReentrantLock();
    private final ArrayList<Entry> entries = new ArrayList<>();
    private int first;
    volatile long bytes;
    long appendedBytes;
    long appends;
    long lastAppendMillis;
    boolean retired;
    int cursors;

    /** Events numbered up to here may have been this user's and are gone. */
    long evictedUpTo;

    Stream(long evictedUpTo) {
      this.evictedUpTo = evictedUpTo;
    }

    int size() {
      return entries.size() - first;
    }

    int end() {
      return entries.size();
    }

    long lastNumber() {
      return size() == 0 ? evictedUpTo : entries.get(entries.size() - 1).number;
    }

    Entry oldest() {
      return entries.get(first);
    }

    void add(Entry entry) {
      entries.add(entry);
      bytes += entry.size;
      appendedBytes = entry.cumulative;
      appends++;
      lastAppendMillis = entry.createdMillis;
    }

    Entry removeOldest() {
      Entry oldest = entries.set(first, null);
      first++;
      bytes -= oldest.size;
      evictedUpTo = oldest.number;
      if (first > 1024 && first > entries.size() / 2) {
        entries.subList(0, first).clear();
        first = 0;
      }
      return oldest;
    }

    /** The index of the event with this number, or -1. */
    int indexOf(long number) {
      int at = firstAfter(number - 1);
      return at < entries.size() && entries.get(at).number == number ? at : -1;
    }

    /** The index of the first event numbered above {@code number} (the end if none). */
    int firstAfter(long number) {
      int low = first;
      int high = entries.size();
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (entries.get(mid).number <= number) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }
  }
}
