package dev.agentwire.security;

import java.util.function.LongSupplier;

/**
 * A rate limit: {@code ratePerSecond} on average, bursts up to {@code burst}. Used for a user's
 * handshakes and for each connection's frames.
 */
public final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  public synchronized boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
    refilledAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled completely: a caller may then forget it without effect. */
  public synchronized boolean isFull() {
    long now = nanoTime.getAsLong();
    return tokens + (now - refilledAt) * ratePerNano >= burst;
  }
}
