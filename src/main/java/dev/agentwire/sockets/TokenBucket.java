package dev.agentwire.sockets;

import java.util.function.LongSupplier;

/** A rate limit: {@code ratePerSecond} on average, bursts up to {@code burst}. */
final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
    refilledAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
