package dev.agentwire.events;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one JSON-B instance of the application, with snake_case names: how events and every other
 * server message become JSON. What it writes is always valid UTF-8: text from agents, tools and
 * models may hold unpaired surrogates, which the container's encoder cannot send (it throws an
 * {@link Error}), so each becomes U+FFFD here, before anything is stored, sent or logged.
 */
@ApplicationScoped
public class EventCodec {

  private static final Logger LOG = Logger.getLogger(EventCodec.class.getName());

  private final Jsonb jsonb =
      JsonbBuilder.create(
          new JsonbConfig()
              .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

  /** The JSON form of a server message or event frame. */
  public String write(Object message) {
    return Utf8.wellFormed(jsonb.toJson(message));
  }

  /** The wire form of an event under its id. */
  public String frame(String id, AgentEvent event) {
    return write(EventFrame.of(id, event));
  }

  @PreDestroy
  void close() {
    try {
      jsonb.close();
    } catch (Exception e) {
      LOG.log(Level.FINE, "closing JSON-B failed", e);
    }
  }
}
