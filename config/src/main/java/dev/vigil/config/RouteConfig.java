package dev.vigil.config;

import java.util.Objects;

/**
 * How the agent routes a request to an endpoint ({@code endpoints[].route}).
 *
 * @param pathPrefix requests whose path starts with this go to the endpoint (default {@code /})
 * @param host when not {@code null}, the request's Host header (port ignored) must also match
 */
public record RouteConfig(String pathPrefix, String host) {
  public RouteConfig {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
  }
}
