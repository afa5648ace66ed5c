package dev.agentwire.security;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which browser origins may open a stream: the server's own origin, and those configured in {@code
 * agentwire.allowed-origins}. A handshake without {@code Origin} is not from a browser and passes.
 */
public final class OriginPolicy {

  private final Set<String> allowed;

  public OriginPolicy(String allowedOrigins) {
    this.allowed =
        Stream.of(allowedOrigins == null ? new String[0] : allowedOrigins.split(","))
            .map(String::trim)
            .filter(origin -> !origin.isEmpty())
            .map(OriginPolicy::normalize)
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param origin the {@code Origin} header, or null
   * @param scheme the request's scheme ({@code http} or {@code https})
   * @param host the request's {@code Host} header
   */
  public boolean allows(String origin, String scheme, String host) {
    if (origin == null) {
      return true;
    }
    String normalized = normalize(origin);
    return normalized.equals(normalize(scheme + "://" + host)) || allowed.contains(normalized);
  }

  /** Lower case, without the scheme's default port: how browsers compare origins. */
  static String normalize(String origin) {
    try {
      URI uri = new URI(origin.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return origin.trim().toLowerCase(Locale.ROOT);
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      boolean defaultPort =
          port == -1
              || (port == 80 && scheme.equals("http"))
              || (port == 443 && scheme.equals("https"));
      return scheme
          + "://"
          + uri.getHost().toLowerCase(Locale.ROOT)
          + (defaultPort ? "" : ":" + port);
    } catch (java.net.URISyntaxException e) {
      return origin.trim().toLowerCase(Locale.ROOT);
    }
  }
}
