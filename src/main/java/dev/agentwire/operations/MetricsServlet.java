package dev.agentwire.operations;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code <context-root>/metrics}: every AgentWire metric in the Prometheus text format (0.0.4),
 * from any server the WAR runs on. Labels hold codes only, never a user, a token or a run id.
 */
@WebServlet("/metrics")
public class MetricsServlet extends HttpServlet {

  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  @Inject PrometheusRegistry registry;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    TEXT.write(response.getOutputStream(), registry.scrape());
  }
}
