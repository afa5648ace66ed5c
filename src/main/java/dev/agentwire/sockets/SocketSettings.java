package dev.agentwire.sockets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The per-connection limits and timers, from configuration. */
@ApplicationScoped
public class SocketSettings {

  @Inject
  @ConfigProperty(name = "agentwire.ws.outbox.max-messages", defaultValue = "10000")
  int outboxMaxMessages;

  @Inject
  @ConfigProperty(name = "agentwire.ws.outbox.max-bytes", defaultValue = "8388608")
  long outboxMaxBytes;

  @Inject
  @ConfigProperty(name = "agentwire.ws.rate.messages-per-second", defaultValue = "100")
  double messagesPerSecond;

  @Inject
  @ConfigProperty(name = "agentwire.ws.rate.burst", defaultValue = "200")
  int burst;

  @Inject
  @ConfigProperty(name = "agentwire.ws.close-grace-ms", defaultValue = "30000")
  long closeGraceMs;

  @Inject
  @ConfigProperty(name = "agentwire.ws.abuse.max-rejected", defaultValue = "1000")
  int maxRejected;

  @Inject
  @ConfigProperty(name = "agentwire.ws.abuse.forgiven-per-second", defaultValue = "10")
  double forgivenPerSecond;

  @Inject
  @ConfigProperty(name = "agentwire.ws.ping-interval-ms", defaultValue = "15000")
  long pingIntervalMs;

  @Inject
  @ConfigProperty(name = "agentwire.ws.idle-timeout-ms", defaultValue = "45000")
  long idleTimeoutMs;

  /**
   * How many frames over the rate a connection may send before it is closed with 1008; each is
   * forgiven again at {@link #forgivenPerSecond}, so only sustained excess closes.
   */
  public int maxRejected() {
    return maxRejected;
  }

  public double forgivenPerSecond() {
    return forgivenPerSecond;
  }

  /** How often the server pings each connection. */
  public long pingIntervalMs() {
    return pingIntervalMs;
  }

  /** How long a connection may send nothing, not even a pong, before it is closed. */
  public long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  /** How long a connection closed for not reading gets to read what is on its way first. */
  public long closeGraceMs() {
    return closeGraceMs;
  }

  public int outboxMaxMessages() {
    return outboxMaxMessages;
  }

  public long outboxMaxBytes() {
    return outboxMaxBytes;
  }

  public double messagesPerSecond() {
    return messagesPerSecond;
  }

  public int burst() {
    return burst;
  }
}
