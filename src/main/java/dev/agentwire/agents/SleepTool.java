package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Waits {@code ms} milliseconds (at most a minute): a slow tool for trying cancellation, time
 * limits and progress display. Interruption (cancellation) ends it at once.
 */
@ApplicationScoped
public class SleepTool implements Tool {

  private static final JsonObject PARAMETERS =
      Schemas.object("ms", Schemas.integer("how long to wait, in milliseconds"), true);

  /** Made once: each {@code Json.createObjectBuilder} would look the JSON-P provider up again. */
  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

  static final long MAX_MS = 60_000;

  @Override
  public String description() {
    return "Waits the given number of milliseconds, then returns (for demonstrations and tests).";
  }

  @Override
  public JsonObject parameters() {
    return PARAMETERS;
  }

  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public Optional<Duration> timeout() {
    return Optional.of(Duration.ofMillis(MAX_MS + 5_000));
  }

  @Override
  public JsonValue call(JsonObject arguments) throws InterruptedException {
    if (!(arguments.get("ms") instanceof JsonNumber number) || !number.isIntegral()) {
      throw new IllegalArgumentException("ms must be a whole number of milliseconds");
    }
    long ms = number.longValue();
    if (ms < 0 || ms > MAX_MS) {
      throw new IllegalArgumentException("ms must be between 0 and " + MAX_MS);
    }
    Thread.sleep(ms);
    return JSON.createObjectBuilder().add("slept_ms", ms).build();
  }
}
