package dev.agentwire.operations.microprofile;

import dev.agentwire.operations.HealthChecks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The readiness checks ({@link HealthChecks#readiness()}: runs, and the cluster in cluster mode) in
 * the server's own {@code /health}, as one check named {@code agentwire-ready} whose data says how
 * each went.
 */
@Readiness
@ApplicationScoped
public class AgentWireReadiness implements HealthCheck {

  @Inject HealthChecks checks;

  @Override
  public HealthCheckResponse call() {
    return Responses.of(checks.readiness());
  }
}
