package dev.vigil.monitor.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The monitor's admin endpoint ({@code monitor.admin}): {@code /metrics} (Prometheus text),
 * {@code /healthz} and {@code /readyz} (both: the scheduler is running), anything else 404. The
 * JDK's HTTP server, one thread: scrapes are rare and small.
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;

  /**
   * Binds and starts.
   *
   * @param port 0 for an ephemeral port (tests)
   * @throws IOException when the address is taken, naming it
   */
  public AdminServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) throws IOException {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + host + ":" + port + " for monitor.admin: " + e.getMessage()
          + " (pick a free port)", e);
    }
    // One root context: the JDK server matches contexts by prefix, so "/healthzX" would otherwise pass a probe.
    server.createContext("/", x -> {
      switch (x.getRequestURI().getPath()) {
        case "/metrics" -> respond(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        case "/healthz", "/readyz" -> {
          boolean ok = healthy.getAsBoolean();
          respond(x, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not running\n");
        }
        default -> respond(x, 404, "text/plain", "not found; try /metrics, /healthz or /readyz\n");
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
