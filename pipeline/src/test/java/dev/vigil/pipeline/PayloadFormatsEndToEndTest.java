package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.agent.CaptureAgent;
import dev.vigil.capture.agent.EndpointSettings;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.check.CheckStatus;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.stats.UnreadableOutput;
import dev.vigil.monitor.window.KafkaWindowSource;
import dev.vigil.monitor.window.S3WindowSource;
import dev.vigil.monitor.window.Window;
import dev.vigil.monitor.window.WindowSource;
import dev.vigil.pipeline.PayloadFixtures.Fixture;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import dev.vigil.pipeline.replay.SaliencyReplay;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.input.DecodedInput;
import dev.vigil.saliency.input.InputDecoder;
import dev.vigil.saliency.render.HeatmapRenderer;
import dev.vigil.saliency.sanity.OrtTestSupport;
import dev.vigil.saliency.sanity.TinyCnn;
import dev.vigil.stack.EmbeddedStack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every payload fixture (src/test/resources/payloads, one per serving stack's documented format)
 * through the real path: a client sends it through the capture agent to a model server answering
 * the fixture's response; the agent writes the captures to the embedded Kafka and S3; the monitor
 * reads the window with {@code output.format: auto}; the flagged samples are replayed through
 * FullGrad on ONNX Runtime. Batched requests must give one prediction and one flag candidate per
 * image, each with its position.
 */
class PayloadFormatsEndToEndTest {
  private static final String ENDPOINT = "payloads";
  private static final List<String> LABELS = List.of("speed-30", "yield", "stop", "no-entry", "priority");

  @TempDir static Path dir;
  private static EmbeddedStack stack;
  private static S3Client s3;
  private static HttpServer upstream;
  private static CaptureAgent agent;
  private static List<Fixture> fixtures;
  private static Window window;
  private static Path model;

  @BeforeAll
  static void sendEveryFixtureThroughTheAgent() throws Exception {
    OrtTestSupport.init();
    model = TinyCnn.write(dir.resolve("tiny.onnx"), 3);
    stack = EmbeddedStack.builder().dataDir(dir.resolve("stack")).smtp(false).postgres(false).build().start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    fixtures = PayloadFixtures.all();
    Map<String, Fixture> byPath = new HashMap<>();
    fixtures.forEach(f -> byPath.put("/" + f.name(), f));
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.createContext("/", x -> {
      try (x) {
        x.getRequestBody().readAllBytes();
        Fixture f = byPath.get(x.getRequestURI().getPath());
        x.getResponseHeaders().add("Content-Type", f.responseType());
        x.sendResponseHeaders(200, f.response().length);
        x.getResponseBody().write(f.response());
      }
    });
    upstream.start();
    URI up = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    AgentSettings settings = AgentSettings.defaults(
            List.of(new EndpointSettings(ENDPOINT, "v1", up, "/", null, 100, "X-Request-Id", null, null,
                "X-Inference-Id", EndpointSettings.DEFAULT_MAX_BODY_BYTES, List.of(), true, null)),
            new AgentSettings.KafkaSettings(stack.kafkaBootstrapServers(), "vigil.capture.{endpoint}", "zstd", Map.of()),
            new AgentSettings.S3Settings(stack.s3Bucket(), "capture", stack.s3Region(), stack.s3Endpoint(), true,
                stack.s3AccessKey(), stack.s3SecretKey(), 1L << 20, Duration.ofSeconds(1)),
            dir.resolve("spool"))
        .withPorts("127.0.0.1", 0, 0);
    Instant now = Instant.now();
    // relative to now: the broker keeps 7 days, a fixed date would silently read nothing
    window = new Window(now.truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS), now.plus(1, ChronoUnit.HOURS));
    agent = CaptureAgent.start(settings);
    HttpClient client = HttpClient.newHttpClient();
    for (Fixture f : fixtures) {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/" + f.name()))
          .header("Content-Type", f.requestType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(f.request()));
      if (f.name().startsWith("triton")) {
        req.header("Inference-Header-Content-Length", Integer.toString(PayloadFixtures.tritonHeaderLength(f.request())));
      }
      HttpResponse<byte[]> r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(f.name()).isEqualTo(200);
      assertThat(r.body()).as(f.name()).isEqualTo(f.response());
    }
    // until every capture is in S3 (objects close after 1 s)
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (monitor(s3Source()).analyze(window).statistics().records() < fixtures.size() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static WindowSource s3Source() {
    return new S3WindowSource(s3, stack.s3Bucket(), "capture", ENDPOINT, "v1", Duration.ofMinutes(2), 2);
  }

  private static WindowSource kafkaSource() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    return new KafkaWindowSource(p, "vigil.capture." + ENDPOINT, "v1", Duration.ofMinutes(5), Duration.ofSeconds(30), 2);
  }

  private static WindowMonitor monitor(WindowSource source) {
    Constraints k = new Constraints(5, 0.5, 0.5, Map.of(), null, 0.1, 0.3, 0.1, 0.05);
    return new WindowMonitor(ENDPOINT, "v1", new OutputSpec(OutputFormat.AUTO, null, false, Labels.of(LABELS)),
        source, k, null, 64, null, null, List.of(), Clock.systemUTC());
  }

  @Test
  void theMonitorReadsEveryFormatCountsThemAndLeadsWithTheUnreadableOnes() throws Exception {
    MonitorReport r = monitor(s3Source()).analyze(window);

    assertThat(r.statistics().records()).isEqualTo(fixtures.size());
    Map<String, Long> expectedFormats = fixtures.stream().filter(Fixture::outputReadable)
        .collect(Collectors.groupingBy(Fixture::outputFormat, TreeMap::new, Collectors.counting()));
    assertThat(r.statistics().outputFormats()).isEqualTo(expectedFormats);
    assertThat(r.statistics().count()).isEqualTo(fixtures.stream().mapToInt(Fixture::predictions).sum());
    assertThat(r.statistics().unreadableOutputs()).extracting(UnreadableOutput::reason)
        .containsExactlyInAnyOrderElementsOf(fixtures.stream().filter(f -> !f.outputReadable())
            .map(f -> f.outputFormat().substring(1)).toList());
    assertThat(r.statistics().unreadableOutputs()).allSatisfy(u -> assertThat(u.exampleBody()).isNotBlank());

    // 2 of 17 outputs unreadable (11.8%) > 5%: the report leads with it, with reasons and an example
    Violation first = r.violations().get(0);
    assertThat(first.type()).isEqualTo(ViolationType.UNPARSEABLE_OUTPUTS);
    assertThat(first.description()).contains("2 of 17 records", "label not in the labels file", "e.g. event ");
    // the stop class dominates the readable ones
    assertThat(r.violations()).extracting(Violation::type).contains(ViolationType.CLASS_SHARE_EXCEEDED);
    assertThat(r.checks()).filteredOn(c -> c.type() == ViolationType.LOW_CONFIDENCE)
        .extracting(c -> c.status()).containsExactly(CheckStatus.PASSED);
  }

  @Test
  void batchedRequestsGiveOneFlagCandidatePerImageWithItsPosition() throws Exception {
    MonitorReport r = monitor(s3Source()).analyze(window);
    List<FlaggedSample> stop = r.flaggedSamples().stream()
        .filter(s -> s.violation() == ViolationType.CLASS_SHARE_EXCEEDED).toList();
    // every readable "stop" prediction is evidence (64 per violation is more than there are)
    long stops = stop.size();
    assertThat(stops).isEqualTo(17);
    Map<String, List<Integer>> positions = new TreeMap<>();
    for (FlaggedSample s : stop) {
      positions.computeIfAbsent(s.eventId(), e -> new ArrayList<>()).add(s.batchItem());
    }
    assertThat(positions.values()).filteredOn(p -> p.size() > 1)
        .containsExactlyInAnyOrder(List.of(0, 1), List.of(0, 1)); // npy batch (2 of 3 are stop), kserve-v2 FP32 batch
  }

  @Test
  void theAgentStoredEveryInputIntactAndTheReplayExplainsEachFlaggedImage() throws Exception {
    MonitorReport r = monitor(s3Source()).analyze(window);
    List<FlaggedSample> flagged = r.flaggedSamples().stream()
        .filter(s -> s.violation() == ViolationType.CLASS_SHARE_EXCEEDED || s.violation() == ViolationType.UNPARSEABLE_OUTPUTS)
        .toList();
    try (CaptureFetcher fetcher = new CaptureFetcher(s3, null, new CaptureRecordCodec());
        FullGradExplainer explainer = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS)) {
      List<SaliencyReplay.Capture> captures = SaliencyReplay.fetch(flagged, fetcher);
      // inputs came back byte for byte and decode as the fixture says
      Map<String, String> formatByEvent = new HashMap<>();
      for (SaliencyReplay.Capture c : captures) {
        byte[] sent = null;
        String input = null;
        for (Fixture f : fixtures) {
          if (java.util.Arrays.equals(f.request(), c.record().endpointInput().bytes())) {
            sent = f.request();
            input = f.inputFormat();
          }
        }
        assertThat(sent).as("input of %s matches a fixture's request byte for byte", c.eventId()).isNotNull();
        formatByEvent.put(c.eventId(), input);
        if (!input.startsWith("!")) {
          List<DecodedInput> decoded = InputDecoder.decode(c.record().endpointInput().bytes(),
              c.record().endpointInput().observedContentType(), c.eventId());
          assertThat(decoded.get(0).format()).isEqualTo(input);
        }
      }
      SaliencyReplay replay = new SaliencyReplay(explainer,
          new Preprocessor(Preprocessing.imagenet(TinyCnn.SIZE, TinyCnn.SIZE)),
          Labels.of(LABELS), HeatmapRenderer.defaults(), 8, Clock.systemUTC());
      ReplayReport report = replay.replay(captures, List.of());

      assertThat(report.samples()).hasSize(captures.size());
      for (ReplayedSample s : report.samples()) {
        String input = formatByEvent.get(s.eventId());
        if (input.startsWith("!")) {
          assertThat(s.ok()).isFalse();
          assertThat(s.reason()).contains(input.substring(1));
        } else {
          assertThat(s.ok()).as(s.eventId() + " " + input + ": " + s.reason()).isTrue();
          assertThat(s.overlayPng()).isNotEmpty();
          assertThat(s.inputPng()).as("the image, or a rendering of the tensor").isNotEmpty();
        }
      }
      assertThat(report.samples()).filteredOn(s -> s.batchItem() == 1).hasSize(2);
    }
  }

  @Test
  void kafkaGivesTheSameWindowAsS3() throws Exception {
    MonitorReport fromKafka = monitor(kafkaSource()).analyze(window);
    MonitorReport fromS3 = monitor(s3Source()).analyze(window);
    assertThat(fromKafka.statistics()).isEqualTo(fromS3.statistics());
  }
}
