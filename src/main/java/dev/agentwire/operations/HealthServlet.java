package dev.agentwire.operations;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <context-root>/health/live}, {@code /health/ready} and {@code /health} (both), answering
 * 200 or 503 with MicroProfile Health's JSON shape, {@code {"status":"UP","checks":[…]}}, on every
 * server: the checks are AgentWire's own ({@link HealthChecks}), not the server's.
 */
@WebServlet(urlPatterns = {"/health", "/health/live", "/health/ready"})
public class HealthServlet extends HttpServlet {

  @Inject HealthChecks checks;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    List<HealthChecks.Check> results = new ArrayList<>();
    String path = request.getServletPath();
    if (!path.endsWith("/ready")) {
      results.addAll(checks.liveness());
    }
    if (!path.endsWith("/live")) {
      results.addAll(checks.readiness());
    }
    boolean up = results.stream().allMatch(HealthChecks.Check::up);
    JsonArrayBuilder array = Json.createArrayBuilder();
    for (HealthChecks.Check check : results) {
      JsonObjectBuilder data = Json.createObjectBuilder();
      for (Map.Entry<String, Object> entry : check.data().entrySet()) {
        Object value = entry.getValue();
        if (value instanceof Boolean flag) {
          data.add(entry.getKey(), flag);
        } else if (value instanceof Number number) {
          data.add(entry.getKey(), number.longValue());
        } else {
          data.add(entry.getKey(), String.valueOf(value));
        }
      }
      array.add(
          Json.createObjectBuilder()
              .add("name", check.name())
              .add("status", check.up() ? "UP" : "DOWN")
              .add("data", data));
    }
    JsonObject body =
        Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("checks", array).build();
    response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setContentType("application/json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(body.toString());
  }
}
