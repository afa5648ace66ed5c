package dev.agentwire.sockets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The per-connection limits, from configuration. */
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
