package dev.vigil.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.sampling.Sampler;
import dev.vigil.stack.EmbeddedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real thing: a Kafka broker and an S3 server (EmbeddedStack) on loopback,
 * a JDK HttpServer model server. One stack for the class; each test uses its own endpoint name
 * (so its own topic and S3 prefix).
 */
class CaptureEndToEndTest {
  static EmbeddedStack stack;
  static TestUpstream upstream;
  static StackCaptures captures;
  static HttpClient http;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().dataDir(tmp.resolve("stack")).kafka(true).s3(true).smtp(false).postgres(false).build().start();
    upstream = new TestUpstream("model");
    captures = new StackCaptures(stack);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    if (captures != null) {
      captures.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static AgentSettings settings(String endpoint, double percent, Path spool, long bufferBytes, Duration objectAge) {
    EndpointSettings ep = EndpointSettings.of(endpoint, upstream.uri()).withVariant("v1").withSamplingPercent(percent);
    return AgentSettings.defaults(List.of(ep), StackCaptures.kafka(stack), StackCaptures.s3(stack, "capture", 1L << 20, objectAge), spool)
        .withPorts("127.0.0.1", 0, 0)
        .withBuffers(bufferBytes, 256L << 20)
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  /** One request of the mix: JSON in/out, PNG in / JSON out, GET a PNG. */
  private record Call(String id, String method, String path, String contentType, byte[] body) {
    HttpRequest build(URI base) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("X-Inference-Id", id).header("X-Request-Id", id);
      if (body == null) {
        return b.GET().build();
      }
      return b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
  }

  private static Call call(String prefix, int i) {
    String id = prefix + "-" + i;
    return switch (i % 5) {
      case 0, 1 -> new Call(id, "POST", "/json?i=" + i, "application/json",
          ("{\"instances\":[[" + i + ",0.5]],\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
      case 2, 3 -> new Call(id, "POST", "/json?img=" + i, "image/png", TestUpstream.png(2048 + i, i));
      default -> new Call(id, "GET", "/png?i=" + i, null, null);
    };
  }

  /** Slowest request seen by {@link #send} since the last reset, in nanoseconds. */
  private static final java.util.concurrent.atomic.AtomicLong slowestNanos = new java.util.concurrent.atomic.AtomicLong();

  /** Sends calls with bounded concurrency; returns id -> response (status + body). */
  private static Map<String, HttpResponse<byte[]>> send(URI base, List<Call> calls, int concurrency) throws Exception {
    Semaphore permits = new Semaphore(concurrency);
    Map<String, CompletableFuture<HttpResponse<byte[]>>> futures = new HashMap<>();
    for (Call c : calls) {
      permits.acquire();
      long start = System.nanoTime();
      futures.put(c.id(), http.sendAsync(c.build(base), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
        slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        permits.release();
      }));
    }
    Map<String, HttpResponse<byte[]>> out = new HashMap<>();
    for (var e : futures.entrySet()) {
      out.put(e.getKey(), e.getValue().get());
    }
    return out;
  }

  private static final Pattern KEY =
      Pattern.compile("capture/(?<ep>[a-z0-9-]+)/v1/(?<hour>\\d{4}/\\d{2}/\\d{2}/\\d{2})/\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f-]{36}\\.jsonl");

  @Test
  void oneThousandRequestsAtFullSamplingLandExactlyOnceInKafkaAndS3() throws Exception {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(call("full", i));
    }
    Map<String, HttpResponse<byte[]>> direct = send(upstream.uri(), calls, 8);
    try (CaptureAgent agent = CaptureAgent.start(settings("full", 100, tmp.resolve("spool-full"), 64L << 20, Duration.ofSeconds(2)))) {
      Map<String, HttpResponse<byte[]>> proxied = send(URI.create("http://127.0.0.1:" + agent.port()), calls, 8);
      for (Call c : calls) {
        assertThat(proxied.get(c.id()).statusCode()).isEqualTo(200);
        assertThat(proxied.get(c.id()).body()).as(c.id()).isEqualTo(direct.get(c.id()).body());
      }
      // closed by age (2 s), not by shutdown
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> captures.s3Count("capture/full/") >= 1000);
    }
    Map<String, Call> byId = calls.stream().collect(Collectors.toMap(Call::id, Function.identity()));

    List<StackCaptures.KafkaCapture> kafka = captures.kafka("vigil.capture.full", 1000, Duration.ofSeconds(60), Duration.ofSeconds(2));
    assertThat(kafka).hasSize(1000);
    for (StackCaptures.KafkaCapture k : kafka) {
      assertThat(k.key()).isEqualTo(k.record().eventId());
      checkRecord(k.record(), byId, direct);
    }
    assertThat(kafka.stream().map(k -> k.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(byId.keySet());

    List<StackCaptures.S3Capture> s3 = captures.s3Records("capture/full/");
    assertThat(s3).hasSize(1000);
    assertThat(s3.stream().map(r -> r.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(byId.keySet());
    DateTimeFormatter hour = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    for (StackCaptures.S3Capture r : s3) {
      var m = KEY.matcher(r.key());
      assertThat(m.matches()).as(r.key()).isTrue();
      assertThat(m.group("ep")).isEqualTo("full");
      assertThat(m.group("hour")).isEqualTo(hour.format(r.record().inferenceTime()));
      checkRecord(r.record(), byId, direct);
    }
  }

  private static void checkRecord(CaptureRecord r, Map<String, Call> byId, Map<String, HttpResponse<byte[]>> direct) {
    Call c = byId.get(r.inferenceId());
    assertThat(c).as("record for an id that was sent").isNotNull();
    assertThat(r.vigil().endpoint()).isNotBlank();
    assertThat(r.vigil().variant()).isEqualTo("v1");
    assertThat(r.vigil().status()).isEqualTo(200);
    assertThat(r.vigil().truncated()).isFalse();
    byte[] response = direct.get(c.id()).body();
    if (c.body() == null) {
      assertThat(r.endpointInput().data()).isEmpty();
      assertThat(r.endpointOutput().encoding()).isEqualTo("BASE64");
      assertThat(r.endpointOutput().observedContentType()).isEqualTo("image/png");
      assertThat(r.endpointOutput().bytes()).isEqualTo(response);
    } else if (c.contentType().equals("image/png")) {
      assertThat(r.endpointInput().encoding()).isEqualTo("BASE64");
      assertThat(r.endpointInput().bytes()).isEqualTo(c.body());
      assertThat(r.endpointOutput().encoding()).isEqualTo("JSON");
      assertThat(r.endpointOutput().data()).isEqualTo(new String(response, StandardCharsets.UTF_8));
    } else {
      assertThat(r.endpointInput().encoding()).isEqualTo("JSON");
      assertThat(r.endpointInput().data()).isEqualTo(new String(c.body(), StandardCharsets.UTF_8));
      assertThat(r.endpointOutput().data()).isEqualTo(new String(response, StandardCharsets.UTF_8));
    }
  }

  @Test
  void tenPercentSamplingIsDeterministicByRequestIdAndWithinFourSigma() throws Exception {
    int n = 2000;
    List<Call> calls = new ArrayList<>();
    Sampler reference = new Sampler(10);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Call c = call("ten", i);
      calls.add(c);
      if (reference.sample(c.id())) {
        expected.add(c.id());
      }
    }
    try (CaptureAgent agent = CaptureAgent.start(settings("ten", 10, tmp.resolve("spool-ten"), 64L << 20, Duration.ofSeconds(60)))) {
      Map<String, HttpResponse<byte[]>> proxied = send(URI.create("http://127.0.0.1:" + agent.port()), calls, 8);
      assertThat(proxied.values()).allMatch(r -> r.statusCode() == 200);
    } // close() flushes the open S3 object
    double sigma = Math.sqrt(n * 0.1 * 0.9);
    assertThat((double) expected.size()).isBetween(n * 0.1 - 4 * sigma, n * 0.1 + 4 * sigma);
    List<StackCaptures.KafkaCapture> kafka = captures.kafka("vigil.capture.ten", expected.size(), Duration.ofSeconds(60), Duration.ofSeconds(2));
    assertThat(kafka.stream().map(k -> k.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(expected);
    assertThat(captures.s3Records("capture/ten/").stream().map(r -> r.record().inferenceId()).toList())
        .hasSize(expected.size())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void kafkaAndS3OutagesLoseNothingAndDuplicateNothingInS3() throws Exception {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      calls.add(call("outage", i));
    }
    // 1 MB buffer: 256 KB per sink queue, so an outage spills to the spool quickly.
    try (CaptureAgent agent = CaptureAgent.start(settings("outage", 100, tmp.resolve("spool-outage"), 1L << 20, Duration.ofSeconds(1)))) {
      URI base = URI.create("http://127.0.0.1:" + agent.port());
      List<HttpResponse<byte[]>> all = new ArrayList<>(send(base, calls.subList(0, 100), 4).values());
      stack.stopKafka();
      slowestNanos.set(0);
      all.addAll(send(base, calls.subList(100, 200), 4).values());
      stack.stopS3();
      all.addAll(send(base, calls.subList(200, 300), 4).values());
      // the request path never waits for a sink: no request was slow while they were down
      assertThat(Duration.ofNanos(slowestNanos.get())).isLessThan(Duration.ofSeconds(2));
      assertThat(agent.spooledBytes()).isPositive();
      stack.startKafka();
      stack.startS3();
      all.addAll(send(base, calls.subList(300, 400), 4).values());
      assertThat(all).hasSize(400).allMatch(r -> r.statusCode() == 200);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> captures.s3Count("capture/outage/") >= 400 && agent.spooledBytes() == 0);
    }
    Set<String> ids = calls.stream().map(Call::id).collect(Collectors.toSet());
    List<StackCaptures.S3Capture> s3 = captures.s3Records("capture/outage/");
    assertThat(s3).hasSize(400);
    assertThat(s3.stream().map(r -> r.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(ids);
    List<StackCaptures.KafkaCapture> kafka = captures.kafka("vigil.capture.outage", 400, Duration.ofSeconds(60), Duration.ofSeconds(2));
    assertThat(kafka.stream().map(k -> k.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(ids);
  }

  @Test
  void recordsSpooledWhenTheAgentStopsAreShippedAfterARestart() throws Exception {
    Path spool = tmp.resolve("spool-restart");
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      calls.add(call("restart", i));
    }
    stack.stopS3();
    stack.stopKafka();
    try (CaptureAgent agent = CaptureAgent.start(settings("restart", 100, spool, 1L << 20, Duration.ofSeconds(1)))) {
      URI base = URI.create("http://127.0.0.1:" + agent.port());
      assertThat(send(base, calls.subList(0, 200), 4).values()).allMatch(r -> r.statusCode() == 200);
    } // both sinks down: everything unshipped ends up in the spool
    try (CaptureAgent agent = CaptureAgent.start(settings("restart", 100, spool, 1L << 20, Duration.ofSeconds(1)))) {
      assertThat(agent.spooledBytes()).isPositive();
      stack.startS3();
      stack.startKafka();
      URI base = URI.create("http://127.0.0.1:" + agent.port());
      assertThat(send(base, calls.subList(200, 250), 4).values()).allMatch(r -> r.statusCode() == 200);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> captures.s3Count("capture/restart/") >= 250 && agent.spooledBytes() == 0);
    }
    Set<String> ids = calls.stream().map(Call::id).collect(Collectors.toSet());
    List<StackCaptures.S3Capture> s3 = captures.s3Records("capture/restart/");
    assertThat(s3).hasSize(250);
    assertThat(s3.stream().map(r -> r.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(ids);
    List<StackCaptures.KafkaCapture> kafka = captures.kafka("vigil.capture.restart", 250, Duration.ofSeconds(60), Duration.ofSeconds(2));
    assertThat(kafka.stream().map(k -> k.record().inferenceId()).collect(Collectors.toSet())).isEqualTo(ids);
  }

  @Test
  void aBodyOverTheCaptureLimitIsForwardedWholeCapturedTruncatedAndWrittenWithMultipart() throws Exception {
    byte[] upload = TestUpstream.png(12 * 1024 * 1024, 12);
    try (CaptureAgent agent = CaptureAgent.start(settings("big", 100, tmp.resolve("spool-big"), 64L << 20, Duration.ofSeconds(1)))) {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/digest"))
              .header("Content-Type", "image/png").header("X-Inference-Id", "big-1")
              .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).contains("\"bytes\":" + upload.length, TestUpstream.sha256(upload));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> captures.s3Count("capture/big/") >= 1);
    }
    // The embedded broker accepts 20 MB messages (a stock broker's 1 MB limit would make the sink
    // drop it as too_large, counted, rather than retry forever).
    List<StackCaptures.KafkaCapture> kafka = captures.kafka("vigil.capture.big", 1, Duration.ofSeconds(30), Duration.ofSeconds(1));
    assertThat(kafka).hasSize(1);
    assertThat(kafka.get(0).record().vigil().truncated()).isTrue();
    List<StackCaptures.S3Capture> s3 = captures.s3Records("capture/big/");
    assertThat(s3).hasSize(1);
    // ~14 MB of JSON, over twice objectMaxBytes (1 MB here): uploaded in parts ("<md5>-<parts>" ETag)
    String etag = captures.s3.headObject(b -> b.bucket(stack.s3Bucket()).key(s3.get(0).key())).eTag();
    assertThat(etag).matches("\"?[0-9a-f]{32}-2\"?");
    CaptureRecord rec = s3.get(0).record();
    assertThat(rec.vigil().truncated()).isTrue();
    assertThat(rec.endpointInput().bytes()).isEqualTo(java.util.Arrays.copyOf(upload, 10 * 1024 * 1024));
    assertThat(rec.endpointOutput().data()).contains(TestUpstream.sha256(upload));
  }
}
