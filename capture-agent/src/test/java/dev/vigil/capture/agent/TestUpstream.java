package dev.vigil.capture.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny model server on loopback (JDK HttpServer), deterministic per request:
 * {@code /json} a ~4 KB JSON answer derived from the query and body, {@code /png} PNG bytes,
 * {@code /echo} the request body back (chunked), {@code /headers} the headers it received,
 * {@code /digest} SHA-256 and length of the body (streamed), {@code /slow} answers after 6 s.
 */
public final class TestUpstream implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final String name;
  public final AtomicInteger requests = new AtomicInteger();

  public TestUpstream(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A PNG-looking body (valid signature, pseudo-random payload) of the given size. */
  public static byte[] png(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(sig, 0, b, 0, sig.length);
    return b;
  }

  /** A deterministic JSON answer of about {@code size} bytes. */
  public static String json(String seed, int size) {
    StringBuilder sb = new StringBuilder("{\"seed\":\"").append(seed).append("\",\"probabilities\":[");
    Random r = new Random(seed.hashCode());
    while (sb.length() < size - 8) {
      sb.append(String.format("%.6f", r.nextDouble())).append(',');
    }
    sb.setLength(sb.length() - 1);
    return sb.append("]}").toString();
  }

  private void handle(HttpExchange x) throws IOException {
    requests.incrementAndGet();
    String path = x.getRequestURI().getPath();
    try (x) {
      x.getResponseHeaders().add("X-Upstream", name);
      switch (path) {
        case "/json" -> {
          byte[] body = x.getRequestBody().readAllBytes();
          String seed = x.getRequestURI().getRawQuery() + "|" + sha256(body).substring(0, 12);
          send(x, 200, "application/json", json(seed, 4096).getBytes(StandardCharsets.UTF_8));
        }
        case "/png" -> {
          x.getRequestBody().readAllBytes();
          String q = x.getRequestURI().getRawQuery();
          send(x, 200, "image/png", png(50 * 1024, q == null ? 0 : q.hashCode()));
        }
        case "/echo" -> {
          byte[] body = x.getRequestBody().readAllBytes();
          String ct = x.getRequestHeaders().getFirst("Content-Type");
          x.getResponseHeaders().add("Content-Type", ct == null ? "application/octet-stream" : ct);
          x.sendResponseHeaders(200, 0); // chunked
          try (OutputStream out = x.getResponseBody()) {
            for (int off = 0; off < body.length; off += 1000) {
              out.write(body, off, Math.min(1000, body.length - off));
              out.flush();
            }
          }
        }
        case "/headers" -> {
          x.getRequestBody().readAllBytes();
          Map<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          x.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(), v));
          StringBuilder sb = new StringBuilder();
          sorted.forEach((k, v) -> sb.append(k).append(": ").append(String.join(",", v)).append('\n'));
          send(x, 200, "text/plain", sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        case "/digest" -> {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          long n = 0;
          byte[] buf = new byte[65536];
          try (InputStream in = x.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) > 0) {
              md.update(buf, 0, r);
              n += r;
            }
          }
          send(x, 200, "application/json",
              ("{\"sha256\":\"" + HexFormat.of().formatHex(md.digest()) + "\",\"bytes\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        }
        case "/slow" -> {
          x.getRequestBody().readAllBytes();
          Thread.sleep(6000);
          send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        }
        default -> send(x, 404, "application/json", "{\"error\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
      }
    } catch (Exception e) {
      // the client went away (or the test closed the server): nothing to answer
    }
  }

  private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
    x.getResponseHeaders().add("Content-Type", type);
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
