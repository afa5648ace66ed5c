package dev.agentwire.agents;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/**
 * Small JSON Schema builders for {@link Tool#parameters()}. Build a tool's schema once (a
 * constant), not per call: JSON-P's provider lookup is costly in a container.
 */
public final class Schemas {

  private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

  /** {@code {"type":"object"}}: any arguments object. */
  public static final JsonObject ANY_OBJECT =
      JSON.createObjectBuilder().add("type", "object").build();

  private Schemas() {}

  /** {@code {"type":"string","description":…}}. */
  public static JsonObject string(String description) {
    return JSON.createObjectBuilder().add("type", "string").add("description", description).build();
  }

  /** {@code {"type":"integer","description":…}}. */
  public static JsonObject integer(String description) {
    return JSON.createObjectBuilder()
        .add("type", "integer")
        .add("description", description)
        .build();
  }

  /** An object with one property, required or not, and no others. */
  public static JsonObject object(String property, JsonObject schema, boolean required) {
    JsonObjectBuilder object =
        JSON.createObjectBuilder()
            .add("type", "object")
            .add("properties", JSON.createObjectBuilder().add(property, schema))
            .add("additionalProperties", false);
    if (required) {
      object.add("required", JSON.createArrayBuilder().add(property));
    }
    return object.build();
  }
}
