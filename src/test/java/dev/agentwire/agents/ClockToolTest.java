package dev.agentwire.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The clock tool tells the date and time in the zone asked for, UTC by default. */
class ClockToolTest {

  private final ClockTool clock =
      new ClockTool(Clock.fixed(Instant.parse("2026-11-26T23:30:05Z"), ZoneOffset.UTC));

  private static JsonObject zone(String zone) {
    return Json.createObjectBuilder().add("zone", zone).build();
  }

  @Test
  void isNamedClock() {
    assertEquals("clock", clock.name());
  }

  @Test
  void tellsTheTimeInUtcWhenNoZoneIsGiven() {
    JsonObject now = clock.call(JsonValue.EMPTY_JSON_OBJECT).asJsonObject();

    assertEquals(
        Json.createObjectBuilder()
            .add("zone", "UTC")
            .add("iso", "2026-11-26T23:30:05Z")
            .add("date", "Thursday 26 November 2026")
            .add("time", "23:30")
            .add("day_of_week", "Thursday")
            .build(),
        now);
  }

  @Test
  void tellsTheLocalDateAndTimeInTheNamedZone() {
    JsonObject now = clock.call(zone("Asia/Tokyo")).asJsonObject();

    assertEquals(
        Json.createObjectBuilder()
            .add("zone", "Asia/Tokyo")
            .add("iso", "2026-11-27T08:30:05+09:00")
            .add("date", "Friday 27 November 2026")
            .add("time", "08:30")
            .add("day_of_week", "Friday")
            .build(),
        now);
  }

  @Test
  void zonesBehindUtcAreStillOnThePreviousEvening() {
    JsonObject now = clock.call(zone("America/New_York")).asJsonObject();

    assertEquals("2026-11-26T18:30:05-05:00", now.getString("iso"));
    assertEquals("18:30", now.getString("time"));
    assertEquals("Thursday", now.getString("day_of_week"));
  }

  @Test
  void anUnknownZoneIsAnIllegalArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> clock.call(zone("Mars/Olympus_Mons")));

    assertEquals("unknown time zone: Mars/Olympus_Mons", e.getMessage());
  }

  @Test
  void aMalformedZoneIsAnIllegalArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> clock.call(zone("not a zone!")));

    assertEquals("unknown time zone: not a zone!", e.getMessage());
  }
}
