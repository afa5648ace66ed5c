package dev.agentwire.events;

import dev.agentwire.events.EventStore.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the event log keeps, from configuration. The defaults let a user's tab that stopped reading
 * resume after tens of megabytes of that user's events: 64 MiB per user, and in total a quarter of
 * the heap unless {@code agentwire.history.max-bytes} says otherwise.
 */
@ApplicationScoped
public class RetentionSettings {

  @Inject
  @ConfigProperty(name = "agentwire.history.max-events", defaultValue = "1000")
  int maxEvents;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-age-ms", defaultValue = "300000")
  long maxAgeMs;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-bytes-per-user", defaultValue = "67108864")
  long maxBytesPerUser;

  @Inject
  @ConfigProperty(name = "agentwire.history.max-bytes")
  Optional<Long> maxBytes;

  @Inject
  @ConfigProperty(name = "agentwire.history.idle-ttl-ms", defaultValue = "1800000")
  long idleTtlMs;

  public Retention retention() {
    return new Retention(
        maxEvents,
        maxAgeMs,
        maxBytesPerUser,
        maxBytes.orElseGet(() -> Runtime.getRuntime().maxMemory() / 4),
        idleTtlMs);
  }

  /** How often aged-out events and idle users are swept. */
  public long sweepPeriodMs() {
    return Math.max(1_000, Math.min(maxAgeMs, idleTtlMs) / 4);
  }
}
