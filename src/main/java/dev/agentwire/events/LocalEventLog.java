package dev.agentwire.events;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The event log of a single server, in its memory. Its epoch is random per start, so that an id
 * from before a restart is recognised as such; numbers grow across all users.
 */
@ApplicationScoped
@Typed(LocalEventLog.class)
public class LocalEventLog implements EventLog {

  @Inject EventCodec codec;
  @Inject RetentionSettings settings;
  @Resource ManagedScheduledExecutorService scheduler;

  private final AtomicLong numbers = new AtomicLong();
  private EventStore store;
  private volatile Consumer<String> listener = owner -> {};
  private ScheduledFuture<?> sweeper;

  public LocalEventLog() {}

  /** A log over the given store, outside the container: nothing sweeps it but its caller. */
  public LocalEventLog(EventCodec codec, EventStore store) {
    this.codec = codec;
    this.store = store;
  }

  @PostConstruct
  void start() {
    String epoch = Long.toString(new SecureRandom().nextLong() >>> 1, 36);
    store = new EventStore(epoch, settings.retention(), Clock.systemUTC());
    long period = settings.sweepPeriodMs();
    sweeper = scheduler.scheduleAtFixedRate(store::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (sweeper != null) {
      sweeper.cancel(false);
    }
  }

  @Override
  public void append(AgentEvent event) {
    store.append(
        event.owner(), numbers::incrementAndGet, number -> codec.frame(store.id(number), event));
    listener.accept(event.owner());
  }

  @Override
  public Cursor open(String owner, String lastEventId) {
    return store.open(owner, lastEventId);
  }

  @Override
  public void listen(Consumer<String> owners) {
    listener = owners;
  }

  @Override
  public EventStore store() {
    return store;
  }
}
