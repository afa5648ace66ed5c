package dev.agentwire.sockets;

import dev.agentwire.agents.Agent;
import dev.agentwire.agents.AgentContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A test agent that thinks out loud a lot: input {@code "<count> <chars>"} emits that many thinking
 * events of that size. With {@code "<count> <chars> hold"} it keeps what waits for its user's
 * connections at {@link #HOLD_BACKLOG_BYTES} or more until a run with input {@code release} lets it
 * go on (at most {@link #HOLD_SECONDS}, then the run fails): a test that looks from outside sees
 * the backlog without racing the flood. With {@code "<count> <chars> paced <micros>"} it emits one
 * event every that many microseconds, for a connection kept busy for a known time. Deployed only
 * with the slow-reader and busy-connection tests.
 */
@ApplicationScoped
public class FloodAgent implements Agent {

  static final long HOLD_BACKLOG_BYTES = 256 * 1024;
  static final long HOLD_SECONDS = 60;

  @Inject UserSessions sessions;

  private volatile CountDownLatch release = new CountDownLatch(1);

  @Override
  public String name() {
    return "flood";
  }

  @Override
  public String run(AgentContext context) throws InterruptedException {
    if (context.input().equals("release")) {
      release.countDown();
      return "released";
    }
    String[] parts = context.input().split(" ");
    int count = Integer.parseInt(parts[0]);
    String text = "x".repeat(Integer.parseInt(parts[1]));
    boolean hold = parts.length > 2 && parts[2].equals("hold");
    long paceNanos =
        parts.length > 3 && parts[2].equals("paced")
            ? TimeUnit.MICROSECONDS.toNanos(Long.parseLong(parts[3]))
            : 0;
    long next = System.nanoTime();
    CountDownLatch held = new CountDownLatch(1);
    release = held;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HOLD_SECONDS);
    for (int i = 0; i < count; i++) {
      if (paceNanos > 0) {
        next += paceNanos;
        for (long left = next - System.nanoTime(); left > 0; left = next - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
      }
      context.think(text);
      // Holding: while enough waits for the user's tabs, wait for the release; when the socket
      // drains it below that (the kernel takes megabytes), think on, until nothing more drains.
      while (hold && sessions.backlog(context.caller().name()) >= HOLD_BACKLOG_BYTES) {
        if (held.await(10, TimeUnit.MILLISECONDS)) {
          hold = false;
        } else if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the flood was not released within " + HOLD_SECONDS + " s");
        }
      }
      hold = hold && held.getCount() > 0;
    }
    return "flooded";
  }
}
