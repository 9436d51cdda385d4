package dev.vigil.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port of the agent ({@code agent.admin}) and the monitor ({@code monitor.admin}):
 * {@code /healthz} (liveness), {@code /readyz} (readiness), {@code /metrics} (Prometheus text),
 * anything else 404. The JDK's HTTP server on {@link #THREADS} daemon threads: a readiness check
 * may block (the agent connects to its upstreams) while a scrape runs beside it.
 *
 * <p>Access: the server binds where it is told (the configuration's default is 127.0.0.1). With a
 * metrics token, {@code /metrics} answers only a request carrying {@code Authorization: Bearer
 * <token>}, compared in constant time over SHA-256 digests (neither the content nor the length of
 * the token leaks through timing); anything else gets a 401 with a one-line body. The probes stay
 * open: kubelets and compose healthchecks send no credentials, and the probes tell nothing but
 * up or down.
 */
public final class AdminServer implements AutoCloseable {
  /** Worker threads: one probe that may block plus one scrape. */
  static final int THREADS = 2;
  /** The Prometheus text exposition format. */
  public static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** What a probe answers: status, media type, body. */
  public record Answer(int status, String contentType, String body) {
    public Answer {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
    }

    public static Answer json(int status, String body) {
      return new Answer(status, "application/json", body);
    }

    public static Answer text(int status, String body) {
      return new Answer(status, "text/plain; charset=utf-8", body);
    }
  }

  private final String key;
  private final HttpServer server;
  private final ExecutorService threads;
  private final byte[] expectedDigest; // SHA-256 of "Bearer <token>"; null: /metrics is open
  private final Supplier<String> metrics;
  private final Supplier<Answer> health;
  private final Supplier<Answer> ready;

  /**
   * Binds and starts.
   *
   * @param key the configuration key of this address ({@code agent.admin}), named in errors
   * @param port 0 for an ephemeral port (tests)
   * @param metricsToken the bearer token {@code /metrics} requires; null or empty: none
   * @param metrics the Prometheus scrape text, read on each {@code /metrics}
   * @param health answers {@code /healthz}
   * @param ready answers {@code /readyz}
   * @throws IOException when the address is taken, naming it and the key
   */
  public AdminServer(String key, String host, int port, String metricsToken, Supplier<String> metrics,
      Supplier<Answer> health, Supplier<Answer> ready) throws IOException {
    this.key = key;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.health = Objects.requireNonNull(health, "health");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.expectedDigest = metricsToken == null || metricsToken.isEmpty() ? null : sha256("Bearer " + metricsToken);
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + host + ":" + port + " for " + key + ": " + e.getMessage()
          + " (pick a free port in " + key + ".port)", e);
    }
    threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "vigil-admin");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    // One root context: the JDK server matches contexts by prefix, so "/healthzX" would otherwise pass a probe.
    server.createContext("/", this::serve);
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Whether {@code /metrics} requires the bearer token. */
  public boolean metricsProtected() {
    return expectedDigest != null;
  }

  private void serve(HttpExchange x) {
    try (x) {
      Answer a;
      try {
        a = switch (x.getRequestURI().getPath()) {
          case "/healthz" -> health.get();
          case "/readyz" -> ready.get();
          case "/metrics" -> authorized(x.getRequestHeaders().getFirst("Authorization"))
              ? new Answer(200, METRICS_TYPE, metrics.get())
              : unauthorized(x);
          default -> Answer.text(404, "not found; try /healthz, /readyz or /metrics\n");
        };
      } catch (RuntimeException e) {
        String id = RequestIds.next();
        log.warn("{} {} failed (request {})", key, x.getRequestURI().getPath(), id, e);
        x.getResponseHeaders().set(RequestIds.HEADER, id);
        a = Answer.text(500, "internal error (request " + id + "); the log has the details\n");
      }
      respond(x, a);
    } catch (IOException e) {
      log.debug("{}: client went away: {}", key, e.getMessage());
    }
  }

  /** Whether a request with this {@code Authorization} header (null when absent) may scrape. */
  boolean authorized(String authorization) {
    return expectedDigest == null
        || (authorization != null && MessageDigest.isEqual(expectedDigest, sha256(authorization)));
  }

  private Answer unauthorized(HttpExchange x) {
    x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vigil\"");
    return Answer.text(401, "unauthorized: /metrics needs the header 'Authorization: Bearer <token>' (" + key
        + ".metricsToken)\n");
  }

  private static void respond(HttpExchange x, Answer a) throws IOException {
    byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", a.contentType());
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(a.status(), head || b.length == 0 ? -1 : b.length);
    if (!head && b.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
