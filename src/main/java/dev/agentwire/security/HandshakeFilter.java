package dev.agentwire.security;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * Guards the WebSocket handshake: refuses it before any upgrade (401 who, 403 origin, 429 the
 * user's connection limits, 503 the server's), or passes it on with the authenticated user as the
 * request's principal, which becomes the WebSocket session's principal.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

  @Inject Authenticator authenticator;
  @Inject ConnectionQuota quota;
  @Inject PrometheusRegistry registry;

  private Counter refused;

  @PostConstruct
  void registerMetrics() {
    refused =
        Counter.builder()
            .name("agentwire_handshakes_refused_total")
            .help(
                "WebSocket handshakes refused before the upgrade, by reason (unauthenticated,"
                    + " origin, handshake_rate, user_connections, server_full)")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    for (String reason :
        new String[] {
          "unauthenticated", "origin", "handshake_rate", "user_connections", "server_full"
        }) {
      refused.initLabelValues(reason);
    }
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Principal user;
    try {
      user = authenticator.authenticate(request);
      quota.admit(user.getName());
    } catch (HandshakeRejected e) {
      refused.labelValues(e.code()).inc();
      refuse(response, e);
      return;
    }
    boolean upgraded = false;
    try {
      chain.doFilter(new AuthenticatedRequest(request, user), response);
      upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
    } finally {
      if (!upgraded) {
        quota.cancel(user.getName()); // no connection will claim the place it reserved
      }
    }
  }

  private static void refuse(HttpServletResponse response, HandshakeRejected e) throws IOException {
    if (e.status() == 401) {
      response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    if (e.retryAfterSeconds() > 0) {
      response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    response.setStatus(e.status());
    response.setContentType("text/plain");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().println(e.getMessage());
  }

  private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final Principal user;

    AuthenticatedRequest(HttpServletRequest request, Principal user) {
      super(request);
      this.user = user;
    }

    @Override
    public Principal getUserPrincipal() {
      return user;
    }

    @Override
    public String getRemoteUser() {
      return user.getName();
    }
  }
}
