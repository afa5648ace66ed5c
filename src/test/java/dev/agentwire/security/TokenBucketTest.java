package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit allows a burst, then refills at its rate and never holds more than the burst. */
class TokenBucketTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private void advance(long amount, TimeUnit unit) {
    nanos.addAndGet(unit.toNanos(amount));
  }

  private static int drain(TokenBucket bucket) {
    int acquired = 0;
    while (bucket.tryAcquire()) {
      acquired++;
      if (acquired > 1_000) {
        throw new AssertionError("the bucket never runs dry");
      }
    }
    return acquired;
  }

  @Test
  void allowsTheBurstThenRefuses() {
    TokenBucket bucket = new TokenBucket(1, 3, nanos::get);

    assertTrue(bucket.tryAcquire());
    assertTrue(bucket.tryAcquire());
    assertTrue(bucket.tryAcquire());
    assertFalse(bucket.tryAcquire());
    assertFalse(bucket.tryAcquire(), "a refusal does not count as time passing");
  }

  @Test
  void refillsAtItsRate() {
    TokenBucket bucket = new TokenBucket(10, 5, nanos::get);
    assertEquals(5, drain(bucket));

    advance(99, TimeUnit.MILLISECONDS);
    assertFalse(bucket.tryAcquire(), "99 ms at 10 per second is not yet a whole token");

    advance(1, TimeUnit.MILLISECONDS);
    assertTrue(bucket.tryAcquire(), "100 ms at 10 per second is one token");
    assertFalse(bucket.tryAcquire());

    advance(300, TimeUnit.MILLISECONDS);
    assertEquals(3, drain(bucket));
  }

  @Test
  void partialRefillsAddUp() {
    TokenBucket bucket = new TokenBucket(1, 2, nanos::get);
    assertEquals(2, drain(bucket));

    advance(500, TimeUnit.MILLISECONDS);
    assertFalse(bucket.tryAcquire());
    advance(500, TimeUnit.MILLISECONDS);
    assertTrue(bucket.tryAcquire(), "two half seconds make one token");
    assertFalse(bucket.tryAcquire());
  }

  @Test
  void neverHoldsMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 4, nanos::get);
    advance(1, TimeUnit.HOURS);
    assertEquals(4, drain(bucket), "an idle hour still allows only the burst");

    advance(1, TimeUnit.DAYS);
    assertEquals(4, drain(bucket));
  }

  @Test
  void aSteadyClientAtTheRateIsNeverRefused() {
    TokenBucket bucket = new TokenBucket(5, 1, nanos::get);

    for (int i = 0; i < 100; i++) {
      assertTrue(bucket.tryAcquire(), "request " + i);
      advance(200, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void survivesTheNanoClockWrappingAround() {
    nanos.set(Long.MAX_VALUE - 50_000_000L);
    TokenBucket bucket = new TokenBucket(10, 2, nanos::get);
    assertEquals(2, drain(bucket));

    advance(200, TimeUnit.MILLISECONDS);

    assertTrue(nanos.get() < 0, "the fake clock has wrapped");
    assertEquals(2, drain(bucket));
  }
}
