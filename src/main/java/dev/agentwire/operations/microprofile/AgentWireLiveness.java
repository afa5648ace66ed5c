package dev.agentwire.operations.microprofile;

import dev.agentwire.operations.HealthChecks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** The writer check ({@link HealthChecks#liveness()}) in the server's own {@code /health}. */
@Liveness
@ApplicationScoped
public class AgentWireLiveness implements HealthCheck {

  @Inject HealthChecks checks;

  @Override
  public HealthCheckResponse call() {
    return Responses.of(checks.liveness());
  }
}
