package dev.vigil.capture.proxy;

import dev.vigil.capture.sampling.CapturePolicy;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint behind the proxy: where its requests go and how they are captured.
 *
 * @param pathPrefix requests whose path starts with this go here ("/" = everything)
 * @param host when non-null, only requests whose Host header (port ignored) equals it
 * @param upstreamHost model server host
 * @param upstreamPort model server port
 */
public record Route(String pathPrefix, String host, String upstreamHost, int upstreamPort, CapturePolicy policy) {
  public Route {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(upstreamHost, "upstreamHost");
    Objects.requireNonNull(policy, "policy");
    if (!pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("route pathPrefix must start with '/', was '" + pathPrefix + "'");
    }
    host = host == null || host.isBlank() ? null : host.toLowerCase(Locale.ROOT);
  }

  /**
   * A route to an {@code http://host:port} upstream.
   *
   * @throws IllegalArgumentException when the upstream is not an http URL with a host
   */
  public static Route of(String pathPrefix, String host, URI upstream, CapturePolicy policy) {
    if (!"http".equalsIgnoreCase(upstream.getScheme()) || upstream.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint " + policy.endpoint() + ": upstream must be an http://host:port URL, was " + upstream);
    }
    int port = upstream.getPort() < 0 ? 80 : upstream.getPort();
    return new Route(pathPrefix == null ? "/" : pathPrefix, host, upstream.getHost(), port, policy);
  }

  public String endpoint() {
    return policy.endpoint();
  }
}
