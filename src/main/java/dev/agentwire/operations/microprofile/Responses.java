package dev.agentwire.operations.microprofile;

import dev.agentwire.operations.HealthChecks.Check;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** AgentWire's checks as one MicroProfile Health response. */
final class Responses {

  private Responses() {}

  /** One check as it is; several as {@code agentwire-ready}, up when all are, data per check. */
  static HealthCheckResponse of(List<Check> checks) {
    boolean up = checks.stream().allMatch(Check::up);
    String name = checks.size() == 1 ? checks.get(0).name() : "agentwire-ready";
    HealthCheckResponseBuilder response = HealthCheckResponse.named(name).status(up);
    for (Check check : checks) {
      String prefix = checks.size() == 1 ? "" : check.name().replace("agentwire-", "") + ".";
      if (checks.size() > 1) {
        response.withData(prefix + "status", check.up() ? "UP" : "DOWN");
      }
      for (Map.Entry<String, Object> entry : check.data().entrySet()) {
        Object value = entry.getValue();
        if (value instanceof Boolean flag) {
          response.withData(prefix + entry.getKey(), flag);
        } else if (value instanceof Number number) {
          response.withData(prefix + entry.getKey(), number.longValue());
        } else {
          response.withData(prefix + entry.getKey(), String.valueOf(value));
        }
      }
    }
    return response.build();
  }
}
