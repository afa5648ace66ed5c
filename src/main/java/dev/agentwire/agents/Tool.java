package dev.agentwire.agents;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Optional;

/**
 * A tool agents can call. Implement it as a CDI bean; every call goes through AgentWire's
 * dispatcher, which runs it on a container-managed thread, reports it to the user, applies its time
 * limit and interrupts it when the run is cancelled. Throw to report an error; the message is shown
 * to the user.
 */
public interface Tool {

  /** The name agents call it by. */
  String name();

  /**
   * What the tool does and when to use it, for a model that chooses tools (the LangChain4j adapter
   * offers every tool to the model with it). Empty by default.
   */
  default String description() {
    return "";
  }

  /**
   * The JSON Schema of the arguments object ({@code "type": "object"}, its {@code properties} and
   * {@code required}), for a model that writes the arguments. By default: any object.
   */
  default JsonObject parameters() {
    return Schemas.ANY_OBJECT;
  }

  /** The result; any JSON value. */
  JsonValue call(JsonObject arguments) throws Exception;

  /**
   * The result of a call made for {@code caller}: what the dispatcher calls. Override it to act on
   * the user's behalf (their name and the claims of their token); by default it is {@link
   * #call(JsonObject)}.
   */
  default JsonValue call(JsonObject arguments, Caller caller) throws Exception {
    return call(arguments);
  }

  /**
   * The time limit this tool asks for when configuration names none ({@code
   * agentwire.tools.<name>.timeout-ms}); empty means the global default.
   */
  default Optional<Duration> timeout() {
    return Optional.empty();
  }
}
