package dev.vigil.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy alone (no sinks): bytes, headers, framing, errors, routing, streaming. */
class ProxyBehaviourTest {
  @TempDir static Path spool;
  static TestUpstream signs;
  static TestUpstream faces;
  static int deadPort;
  static CaptureAgent agent;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    signs = new TestUpstream("signs");
    faces = new TestUpstream("faces");
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nothing listens here once closed
    }
    List<EndpointSettings> eps =
        List.of(
            EndpointSettings.of("signs", signs.uri()).withCapture(dev.vigil.capture.sampling.CaptureMode.InputAndOutput, 1 << 20, List.of()),
            EndpointSettings.of("faces", faces.uri()).withRoute("/", "faces.internal"),
            EndpointSettings.of("gone", URI.create("http://127.0.0.1:" + deadPort)).withRoute("/gone", null));
    AgentSettings settings =
        AgentSettings.defaults(eps, null, null, spool)
            .withPorts("127.0.0.1", 0, 0)
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2)); // room for a loaded 2-core CI; /slow takes 6 s
    agent = CaptureAgent.start(settings);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    agent.close();
    signs.close();
    faces.close();
  }

  private static URI viaAgent(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + agent.port() + pathAndQuery);
  }

  private static URI direct(TestUpstream u, String pathAndQuery) {
    return URI.create(u.uri() + pathAndQuery);
  }

  @Test
  void responsesAreByteIdenticalToDirectCalls() throws Exception {
    byte[] png = TestUpstream.png(30_000, 3);
    for (int i = 0; i < 20; i++) {
      String json = "{\"instances\":[" + i + "]}";
      for (String path : List.of("/json?i=" + i + "&b=%20x", "/png?i=" + i)) {
        HttpRequest.Builder a = HttpRequest.newBuilder(viaAgent(path)).header("Content-Type", "application/json");
        HttpRequest.Builder d = HttpRequest.newBuilder(direct(signs, path)).header("Content-Type", "application/json");
        HttpResponse<byte[]> viaProxy = http.send(a.POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> directly = http.send(d.POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(viaProxy.statusCode()).isEqualTo(directly.statusCode()).isEqualTo(200);
        assertThat(viaProxy.body()).isEqualTo(directly.body());
        assertThat(viaProxy.headers().firstValue("content-type")).isEqualTo(directly.headers().firstValue("content-type"));
      }
      HttpResponse<byte[]> echoed =
          http.send(HttpRequest.newBuilder(viaAgent("/echo")).header("Content-Type", "image/png")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(echoed.body()).isEqualTo(png);
    }
  }

  @Test
  void hopByHopHeadersAreRemovedAndEndToEndHeadersKept() throws Exception {
    String req =
        "GET /headers?q=1 HTTP/1.1\r\nHost: signs.local\r\nConnection: keep-alive, X-Hop-Secret\r\n"
            + "X-Hop-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
            + "Upgrade: h2c\r\nX-Custom: kept\r\nAuthorization: Bearer t\r\n\r\n";
    String resp = rawExchange(req, true);
    assertThat(resp).startsWith("HTTP/1.1 200");
    String body = resp.substring(resp.indexOf("\r\n\r\n") + 4).toLowerCase();
    assertThat(body).contains("x-custom: kept", "authorization: bearer t", "host: signs.local");
    assertThat(body).doesNotContain("x-hop-secret", "keep-alive: timeout", "te: trailers", "proxy-authorization", "upgrade");
  }

  @Test
  void chunkedRequestBodiesAreReframedAndChunkedResponsesStreamed() throws Exception {
    String req =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    String resp = rawExchange(req, true);
    assertThat(resp).startsWith("HTTP/1.1 200");
    assertThat(resp.toLowerCase()).contains("transfer-encoding: chunked");
    assertThat(dechunk(resp.substring(resp.indexOf("\r\n\r\n") + 4))).isEqualTo("hello world");
  }

  @Test
  void malformedRequestsGet400AndTheConnectionIsClosed() throws Exception {
    String resp = rawExchange("POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n", false);
    assertThat(resp).startsWith("HTTP/1.1 400");
    assertThat(resp).contains("bad_request");
    String garbage = rawExchange("\u0001\u0002 nonsense\r\n\r\n", false);
    assertThat(garbage).startsWith("HTTP/1.1 400");
    // the agent is unaffected
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(viaAgent("/json?ok")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void upstreamDownGets502WithAShortJsonBodyAndIsCounted() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(viaAgent("/gone/predict")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    assertThat(r.body()).contains("\"error\":\"upstream_unavailable\"", "\"endpoint\":\"gone\"");
    assertThat(agent.metrics().registry().find("vigil.agent.requests").tags("endpoint", "gone", "status", "502").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void upstreamFailureAnswersARequestIdAndLogsTheDetailUnderIt() throws Exception {
    ch.qos.logback.classic.Logger frontend =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.vigil.capture.proxy.FrontendHandler");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    frontend.addAppender(logged);
    try {
      // the client's inference id is reused
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(viaAgent("/gone/predict")).header("X-Inference-Id", "inf-7")
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).isEqualTo("{\"error\":\"upstream_unavailable\",\"endpoint\":\"gone\","
          + "\"message\":\"the model server could not be reached\",\"requestId\":\"inf-7\"}");
      assertThat(r.headers().firstValue("X-Request-Id")).hasValue("inf-7");
      // the detail (exception, address) is in the log under the same id, not in the body
      assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
          .contains("inf-7", "gone", "Connection refused"));

      // an id that could inject into JSON or the log is replaced by a fresh one
      HttpResponse<String> odd = http.send(HttpRequest.newBuilder(viaAgent("/gone/predict"))
          .header("X-Request-Id", "a\"b<script>").build(), HttpResponse.BodyHandlers.ofString());
      String id = odd.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(id).matches("[0-9a-f]{16}");
      assertThat(odd.body()).endsWith("\"requestId\":\"" + id + "\"}").doesNotContain("script");
    } finally {
      frontend.detachAppender(logged);
    }
  }

  @Test
  void upstreamTimeoutGets504() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(viaAgent("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("upstream_timeout");
  }

  @Test
  void routesByHostAndByPathPrefix() throws Exception {
    HttpResponse<String> byHost =
        http.send(HttpRequest.newBuilder(viaAgent("/json?h")).header("X-Probe", "1").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(byHost.headers().firstValue("x-upstream")).contains("signs");
    String viaFacesHost = rawExchange("GET /json?h HTTP/1.1\r\nHost: faces.internal:8081\r\n\r\n", true);
    assertThat(viaFacesHost.toLowerCase()).contains("x-upstream: faces");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    String req = "GET /json?p=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /json?p=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String resp = rawExchange(req, false);
    int first = resp.indexOf("HTTP/1.1 200");
    int second = resp.indexOf("HTTP/1.1 200", first + 1);
    assertThat(first).isZero();
    assertThat(second).isPositive();
    assertThat(resp.substring(0, second)).contains(TestUpstream.json("p=1|" + TestUpstream.sha256(new byte[0]).substring(0, 12), 4096));
    assertThat(resp.substring(second)).contains(TestUpstream.json("p=2|" + TestUpstream.sha256(new byte[0]).substring(0, 12), 4096));
  }

  @Test
  void http10ClientsGetACloseDelimitedOrLengthFramedResponse() throws Exception {
    String resp = rawExchange("GET /json?v=10 HTTP/1.0\r\n\r\n", false);
    assertThat(resp).startsWith("HTTP/1.0 200");
    assertThat(resp.toLowerCase()).doesNotContain("transfer-encoding");
  }

  @Test
  void adminPortServesHealthReadinessAndPrometheusMetrics() throws Exception {
    http.send(HttpRequest.newBuilder(viaAgent("/json?m")).build(), HttpResponse.BodyHandlers.ofString());
    URI admin = URI.create("http://127.0.0.1:" + agent.adminPort());
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(admin.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    // "gone" has no server listening: not ready, and the body says which upstream
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(admin.resolve("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"signs\":\"reachable\"", "\"gone\":\"unreachable\"");
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("vigil_agent_requests_total{endpoint=\"signs\",status=\"200\"}")
        .contains("vigil_agent_upstream_latency_seconds_bucket")
        .contains("vigil_agent_capture_sampled_total")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void a200MegabyteUploadStreamsThroughWithBoundedBuffers() throws Exception {
    long size = 200L * 1024 * 1024;
    AtomicLong peakPooled = new AtomicLong();
    AtomicLong peakBudget = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler =
        new Thread(() -> {
          while (running.get()) {
            var m = PooledByteBufAllocator.DEFAULT.metric();
            peakPooled.accumulateAndGet(m.usedDirectMemory() + m.usedHeapMemory(), Math::max);
            peakBudget.accumulateAndGet(agent.metrics().registry().get("vigil.agent.buffer.size").gauge().value() > 0
                ? (long) agent.metrics().registry().get("vigil.agent.buffer.size").gauge().value() : 0, Math::max);
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
    sampler.start();
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    HttpResponse<String> r;
    try {
      r = http.send(
          HttpRequest.newBuilder(viaAgent("/digest")).header("Content-Type", "application/octet-stream")
              .POST(HttpRequest.BodyPublishers.fromPublisher(
                  HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, expected)), size))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } finally {
      running.set(false);
      sampler.join();
    }
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"bytes\":" + size, HexFormat.of().formatHex(expected.digest()));
    // 200 MB went through; Netty's buffers never held more than a few MB, captures at most the 1 MB limit.
    assertThat(peakPooled.get()).isLessThan(32L << 20);
    assertThat(peakBudget.get()).isLessThanOrEqualTo(2L << 20);
  }

  /** size bytes of a seeded pattern, digested as they are read. */
  static final class PatternStream extends InputStream {
    private final long size;
    private final MessageDigest md;
    private final Random random = new Random(42);
    private long pos;

    PatternStream(long size, MessageDigest md) {
      this.size = size;
      this.md = md;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      System.arraycopy(chunk, 0, b, off, n);
      md.update(chunk);
      pos += n;
      return n;
    }
  }

  /** Sends raw bytes, returns everything read until close (or one response when keepAlive). */
  private static String rawExchange(String request, boolean oneResponseThenClose) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", agent.port()), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (oneResponseThenClose) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          got.write(buf, 0, n);
          if (oneResponseThenClose && completeResponse(got.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // return what arrived
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean completeResponse(String s) {
    int h = s.indexOf("\r\n\r\n");
    if (h < 0) {
      return false;
    }
    String head = s.substring(0, h).toLowerCase();
    String body = s.substring(h + 4);
    int cl = head.indexOf("content-length:");
    if (cl >= 0) {
      int end = head.indexOf("\r\n", cl);
      long len = Long.parseLong(head.substring(cl + 15, end < 0 ? head.length() : end).trim());
      return body.length() >= len;
    }
    return head.contains("transfer-encoding: chunked") && body.endsWith("0\r\n\r\n");
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (true) {
      int eol = body.indexOf("\r\n", pos);
      int len = Integer.parseInt(body.substring(pos, eol).trim(), 16);
      if (len == 0) {
        return out.toString();
      }
      out.append(body, eol + 2, eol + 2 + len);
      pos = eol + 2 + len + 2;
    }
  }
}
