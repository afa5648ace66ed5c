package dev.agentwire.agents;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** Small JSON Schema builders for {@link Tool#parameters()}. */
public final class Schemas {

  private Schemas() {}

  /** {@code {"type":"string","description":…}}. */
  public static JsonObject string(String description) {
    return Json.createObjectBuilder().add("type", "string").add("description", description).build();
  }

  /** {@code {"type":"integer","description":…}}. */
  public static JsonObject integer(String description) {
    return Json.createObjectBuilder()
        .add("type", "integer")
        .add("description", description)
        .build();
  }

  /** An object with one property, required or not, and no others. */
  public static JsonObject object(String property, JsonObject schema, boolean required) {
    JsonObjectBuilder object =
        Json.createObjectBuilder()
            .add("type", "object")
            .add("properties", Json.createObjectBuilder().add(property, schema))
            .add("additionalProperties", false);
    if (required) {
      object.add("required", Json.createArrayBuilder().add(property));
    }
    return object.build();
  }
}
