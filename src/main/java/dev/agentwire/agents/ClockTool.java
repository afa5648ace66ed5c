package dev.agentwire.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;

/** The current date and time in a time zone ({@code zone}, an IANA id; UTC when absent). */
@ApplicationScoped
public class ClockTool implements Tool {

  private static final JsonObject PARAMETERS =
      Schemas.object(
          "zone",
          Schemas.string("an IANA time zone such as Europe/Paris; UTC when left out"),
          false);

  /** Made once: each {@code Json.createObjectBuilder} would look the JSON-P provider up again. */
  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

  private final Clock clock;

  public ClockTool() {
    this(Clock.systemUTC());
  }

  ClockTool(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String description() {
    return "The current date and time in a time zone.";
  }

  @Override
  public JsonObject parameters() {
    return PARAMETERS;
  }

  @Override
  public String name() {
    return "clock";
  }

  @Override
  public JsonValue call(JsonObject arguments) {
    String zoneName = arguments.getString("zone", "UTC");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone: " + zoneName);
    }
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
    return JSON.createObjectBuilder()
        .add("zone", zone.getId())
        .add("iso", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .add("date", now.format(DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", Locale.ENGLISH)))
        .add("time", now.format(DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH)))
        .add("day_of_week", now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH))
        .build();
  }
}
