package dev.vigil.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.admin.RequestIds;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.baseline.BaselineStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console's HTTP server (the JDK's {@code com.sun.net.httpserver}): read-only ({@code GET}
 * and {@code HEAD}), every request authenticated ({@code console.auth}), one route per page.
 *
 * <p>Threads: requests run on a fixed pool of {@link #THREADS} (they block on S3 reads, never on
 * FullGrad: {@code /event/fullgrad} hands the work to {@link OnDemandSaliency} and its response
 * is completed from that thread). Every response carries a strict Content-Security-Policy (only
 * this server's own scripts, styles and images), {@code nosniff} and no framing.
 */
public final class ConsoleServer implements AutoCloseable {
  /** HTTP worker threads. */
  static final int THREADS = 8;
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:;"
      + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final String ENDPOINT = "([a-z0-9][a-z0-9-]*)";
  private static final String WINDOW = "([0-9]{8}T[0-9]{6}Z_[0-9]{8}T[0-9]{6}Z)";
  private static final Map<String, String> ASSETS = Map.of(
      "console.css", "text/css; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  /** A page or file: the path's groups and the query in, a response out. */
  @FunctionalInterface
  private interface Handler {
    CompletableFuture<Response> handle(List<String> groups, Map<String, String> query) throws IOException;
  }

  private record Route(Pattern path, Handler handler) {}

  private final HttpServer server;
  private final ExecutorService pool;
  private final Auth auth;
  private final ReportHistory history;
  private final EventLookup lookup;
  private final OnDemandSaliency saliency;
  private final List<Route> routes;

  /**
   * Binds and starts.
   *
   * @param s3 client for {@code sinks.s3} (not closed here)
   * @param host interface to bind ({@code console.host} unless overridden)
   * @param port 0 for an ephemeral port
   * @throws IOException when the address is taken, naming it
   */
  public ConsoleServer(VigilConfig config, S3Client s3, String host, int port, Clock clock) throws IOException {
    this.auth = Auth.of(config.console().auth());
    this.history = new ReportHistory(s3, config.sinks().s3().bucket(), config.sinks().s3().prefix(), clock);
    this.lookup = new EventLookup(config, s3, history);
    this.saliency = new OnDemandSaliency(config.saliency(), clock);
    ConsoleHandlers h = new ConsoleHandlers(config, history, lookup, saliency, new BaselineStore(s3), clock);
    this.routes = List.of(
        route("/", (g, q) -> h.home()),
        route("/healthz", (g, q) -> Response.bytes("text/plain", "ok\n".getBytes(StandardCharsets.UTF_8), 0)),
        route("/static/([a-z]+\\.(?:css|js|svg))", (g, q) -> asset(g.get(0))),
        route("/favicon.ico", (g, q) -> asset("favicon.svg")), // what browsers ask for on plain-text pages
        route("/endpoints/" + ENDPOINT, (g, q) -> h.endpoint(g.get(0), q)),
        route("/endpoints/" + ENDPOINT + "/baseline", (g, q) -> h.baseline(g.get(0))),
        route("/endpoints/" + ENDPOINT + "/windows/" + WINDOW, (g, q) -> h.window(g.get(0), g.get(1))),
        route("/endpoints/" + ENDPOINT + "/windows/" + WINDOW + "/files/([A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)?)",
            (g, q) -> h.file(g.get(0), g.get(1), g.get(2))),
        route("/event", (g, q) -> h.event(q)),
        route("/event/input", (g, q) -> h.input(q)),
        new Route(Pattern.compile("/event/fullgrad"), (g, q) -> h.fullGrad(q)));
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      close();
      throw new IOException("cannot listen on " + host + ":" + port + " for the console: " + e.getMessage()
          + " (pick a free port with --port or console.port)", e);
    }
    pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "vigil-console-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", this::serve);
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static Route route(String regex, SyncHandler handler) {
    return new Route(Pattern.compile(regex), (g, q) -> CompletableFuture.completedFuture(handler.handle(g, q)));
  }

  @FunctionalInterface
  private interface SyncHandler {
    Response handle(List<String> groups, Map<String, String> query) throws IOException;
  }

  private void serve(HttpExchange x) {
    try {
      String method = x.getRequestMethod();
      if (!auth.allows(x.getRequestHeaders().getFirst("Authorization"))) {
        if (auth.challenge() != null) {
          x.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
        }
        send(x, Response.error(401, "authentication required"));
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        send(x, Response.error(405, "the console is read-only: GET and HEAD only"));
        return;
      }
      URI uri = x.getRequestURI();
      String path = uri.getPath();
      for (Route r : routes) {
        Matcher m = r.path().matcher(path);
        if (m.matches()) {
          List<String> groups = new java.util.ArrayList<>();
          for (int i = 1; i <= m.groupCount(); i++) {
            groups.add(m.group(i));
          }
          r.handler().handle(groups, query(uri.getRawQuery())).whenComplete((resp, err) ->
              send(x, err == null ? resp : failure(x, path, err)));
          return;
        }
      }
      send(x, Response.error(404, "no page at " + path));
    } catch (RuntimeException | IOException e) {
      send(x, failure(x, x.getRequestURI().getPath(), e));
    }
  }

  /**
   * The answer to a failed request. A bad query (IllegalArgumentException, thrown by the handlers'
   * own checks) is told to the reader; anything else is a short message with a request id, and the
   * detail (S3 keys, exception text) goes to the log under that id only.
   */
  private static Response failure(HttpExchange x, String path, Throwable e) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof IllegalArgumentException) {
      return Response.error(400, t.getMessage());
    }
    String id = RequestIds.reuseOrNew(x.getRequestHeaders().getFirst(RequestIds.HEADER));
    x.getResponseHeaders().set(RequestIds.HEADER, id);
    if (t instanceof IOException) {
      log.warn("{} (request {}): {}", path, id, t.getMessage());
      return Response.error(502, "could not read from storage (request " + id + "); the console's log has the details");
    }
    log.error("{} failed (request {})", path, id, t);
    return Response.error(500, "internal error (request " + id + "); the console's log has the details");
  }

  private static void send(HttpExchange x, Response r) {
    try (x) {
      var h = x.getResponseHeaders();
      h.set("Content-Type", r.type());
      h.set("Content-Security-Policy", CSP);
      h.set("X-Content-Type-Options", "nosniff");
      h.set("X-Frame-Options", "DENY");
      h.set("Referrer-Policy", "no-referrer");
      h.set("Cache-Control", r.cacheSeconds() > 0 ? "private, max-age=" + r.cacheSeconds() : "no-store");
      boolean head = x.getRequestMethod().equals("HEAD");
      x.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
      if (!head && r.body().length > 0) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (IOException e) {
      log.debug("client went away: {}", e.getMessage());
    }
  }

  private static Response asset(String name) {
    String type = ASSETS.get(name);
    if (type == null) {
      return Response.error(404, "no asset " + name);
    }
    try (InputStream in = ConsoleServer.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        return Response.error(404, "no asset " + name);
      }
      return Response.bytes(type, in.readAllBytes(), 300);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    saliency.close();
    lookup.close();
    history.close();
  }
}
