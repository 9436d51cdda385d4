package dev.vigil.capture.proxy;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the route of a request: routes naming a Host come first, then the longest matching path
 * prefix wins. Matching is a plain string prefix of the path (without the query).
 */
public final class Router {
  private final List<Route> routes;

  /** @throws IllegalArgumentException when routes is empty */
  public Router(List<Route> routes) {
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("the proxy needs at least one endpoint route");
    }
    this.routes =
        routes.stream()
            .sorted(
                Comparator.comparing((Route r) -> r.host() == null)
                    .thenComparing(r -> -r.pathPrefix().length()))
            .toList();
  }

  public List<Route> routes() {
    return routes;
  }

  /** The route for a request, or null when none matches. */
  public Route route(String uri, String hostHeader) {
    String path = uri;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (path.startsWith("http://") || path.startsWith("https://")) { // absolute-form
      int slash = path.indexOf('/', path.indexOf("//") + 2);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    String host = hostHeader == null ? null : stripPort(hostHeader.trim().toLowerCase(Locale.ROOT));
    for (Route r : routes) {
      if (r.host() != null && !r.host().equals(host)) {
        continue;
      }
      if (path.startsWith(r.pathPrefix())) {
        return r;
      }
    }
    return null;
  }

  private static String stripPort(String host) {
    if (host.startsWith("[")) { // IPv6 literal
      int end = host.indexOf(']');
      return end > 0 ? host.substring(0, end + 1) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 ? host.substring(0, colon) : host;
  }
}
