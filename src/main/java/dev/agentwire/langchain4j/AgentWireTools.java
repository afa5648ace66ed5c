package dev.agentwire.langchain4j;

import dev.agentwire.agents.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AgentWire's {@link Tool}s as LangChain4j sees them: a {@link ToolSpecification} each, from the
 * tool's name, {@link Tool#description()} and {@link Tool#parameters()} (each property's schema
 * passed to the model as written). Calls are not made here: {@link StreamingRun} runs them through
 * the run's {@code AgentContext}, so that AgentWire's dispatcher reports, times and cancels them.
 */
public final class AgentWireTools {

  private final Map<String, Tool> tools;
  private final List<ToolSpecification> specifications;

  private AgentWireTools(Map<String, Tool> tools) {
    this.tools = tools;
    List<ToolSpecification> all = new ArrayList<>();
    for (Tool tool : tools.values()) {
      all.add(specification(tool));
    }
    this.specifications = List.copyOf(all); // once, not per model request
  }

  /**
   * All of these tools (for example every {@code Tool} bean: {@code @Inject @Any Instance<Tool>}).
   */
  public static AgentWireTools of(Iterable<? extends Tool> all) {
    Map<String, Tool> byName = new LinkedHashMap<>();
    for (Tool tool : all) {
      byName.put(tool.name(), tool);
    }
    return new AgentWireTools(byName);
  }

  /** Only the tools with these names; a name no tool has is an error. */
  public AgentWireTools only(Set<String> names) {
    Map<String, Tool> chosen = new LinkedHashMap<>();
    for (String name : names) {
      Tool tool = tools.get(name);
      if (tool == null) {
        throw new IllegalArgumentException(
            "no tool is named '" + name + "'; there are " + tools.keySet());
      }
      chosen.put(name, tool);
    }
    return new AgentWireTools(chosen);
  }

  /** The tools' names. */
  public Set<String> names() {
    return tools.keySet();
  }

  /** The specification the model is given, one per tool. */
  public List<ToolSpecification> specifications() {
    return specifications;
  }

  static ToolSpecification specification(Tool tool) {
    ToolSpecification.Builder builder = ToolSpecification.builder().name(tool.name());
    if (!tool.description().isBlank()) {
      builder.description(tool.description());
    }
    return builder.parameters(schema(tool.name(), tool.parameters())).build();
  }

  /** The tool's JSON Schema as LangChain4j's object schema; its properties stay raw JSON. */
  static JsonObjectSchema schema(String tool, JsonObject parameters) {
    if (!"object".equals(parameters.getString("type", "object"))) {
      throw new IllegalArgumentException(
          "the parameters of tool '" + tool + "' must be a JSON Schema of type object");
    }
    JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
    if (parameters.get("description") instanceof JsonString description) {
      schema.description(description.getString());
    }
    if (parameters.get("properties") instanceof JsonObject properties) {
      for (Map.Entry<String, JsonValue> property : properties.entrySet()) {
        schema.addProperty(property.getKey(), JsonRawSchema.from(property.getValue().toString()));
      }
    }
    if (parameters.get("required") instanceof jakarta.json.JsonArray required) {
      schema.required(
          required.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
    }
    if (parameters.get("additionalProperties") == JsonValue.FALSE) {
      schema.additionalProperties(false);
    }
    return schema.build();
  }
}
