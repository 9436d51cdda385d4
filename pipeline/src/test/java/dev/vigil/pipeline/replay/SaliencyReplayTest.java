package dev.vigil.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.classes.Labels;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.check.Severity;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.image.ImageDecoder;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.render.HeatmapRenderer;
import dev.vigil.saliency.sanity.OrtTestSupport;
import dev.vigil.saliency.sanity.TinyCnn;
import dev.vigil.stack.EmbeddedStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Replay end to end against a real S3 server (S3Proxy from the embedded stack). */
class SaliencyReplayTest {
  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant END = Instant.parse("2026-11-22T11:00:00Z");
  private static final String KEY = "capture/signs/v1/2026/11/22/10/20261122T100500Z-a.jsonl";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static EmbeddedStack stack;
  private static S3Client s3;
  private static Path model;
  private static byte[] signPng;

  @BeforeAll
  static void start() throws Exception {
    OrtTestSupport.init();
    stack =
        EmbeddedStack.builder()
            .dataDir(shared.resolve("stack"))
            .kafka(false)
            .smtp(false)
            .postgres(false)
            .build()
            .start();
    s3 =
        S3Client.builder()
            .endpointOverride(stack.s3Endpoint())
            .forcePathStyle(true)
            .region(Region.of(stack.s3Region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
            .build();
    model = TinyCnn.write(shared.resolve("tiny.onnx"), 3);
    signPng = image(40, 30, "png");
    byte[] jpeg = image(24, 24, "jpg");
    CaptureRecordCodec codec = new CaptureRecordCodec();
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    line(lines, codec.toJsonLine(record("evt-ok-1", CapturedBody.base64("image/png",
        CapturedBody.INPUT, signPng), false)));
    line(lines, codec.toJsonLine(record("evt-ok-2", CapturedBody.base64("image/jpeg",
        CapturedBody.INPUT, jpeg), false)));
    line(lines, codec.toJsonLine(record("evt-broken", CapturedBody.base64("image/png",
        CapturedBody.INPUT, Arrays.copyOf(signPng, signPng.length / 2)), false)));
    line(lines, codec.toJsonLine(record("evt-noinput", null, false)));
    line(lines, codec.toJsonLine(record("evt-json", CapturedBody.text("application/json",
        CapturedBody.INPUT, jsonTensor()), false)));
    line(lines, codec.toJsonLine(record("evt-cut", CapturedBody.base64("image/png",
        CapturedBody.INPUT, signPng), true)));
    byte[] object = lines.toByteArray();
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(KEY), RequestBody.fromBytes(object));
  }

  private static void line(ByteArrayOutputStream out, byte[] json) throws IOException {
    out.write(json);
    out.write('\n');
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static CaptureRecord record(String id, CapturedBody input, boolean truncated) {
    return new CaptureRecord(
        input,
        CapturedBody.text("application/json", CapturedBody.OUTPUT, "[0.1,0.2,0.3,0.2,0.2]"),
        id,
        START.plusSeconds(300),
        null,
        CaptureRecord.EVENT_VERSION,
        new VigilMetadata("signs", "v1", 1000, 200, truncated));
  }

  private static byte[] image(int w, int h, String format) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 5) << 16) | ((y * 7) << 8) | ((x + y) * 3));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  private static String jsonTensor() {
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < 3; c++) {
      sb.append(c == 0 ? "[" : ",[");
      for (int y = 0; y < TinyCnn.SIZE; y++) {
        sb.append(y == 0 ? "[" : ",[");
        for (int x = 0; x < TinyCnn.SIZE; x++) {
          sb.append(x == 0 ? "" : ",").append(((x * 7 + y * 3 + c) % 11) / 5.0 - 1);
        }
        sb.append(']');
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  private static FlaggedSample flagged(String eventId, long line) {
    return new FlaggedSample(
        ViolationType.CLASS_SHARE_EXCEEDED, "14", eventId, START, 0, 3, "3", 0.9,
        List.of(), CaptureLocation.s3(stack.s3Bucket(), KEY, line));
  }

  @Test
  void replaysFlaggedSamplesFromS3AndWritesIndexAndPngsNextToTheReport() throws Exception {
    List<FlaggedSample> samples = new ArrayList<>();
    String[] ids = {"evt-ok-1", "evt-ok-2", "evt-broken", "evt-noinput", "evt-json", "evt-cut"};
    for (int i = 0; i < ids.length; i++) {
      samples.add(flagged(ids[i], i + 1));
    }
    samples.add(flagged("evt-ok-1", 1)); // flagged by a second violation: replayed once
    samples.add(flagged("evt-gone", 99)); // the object has fewer lines
    Preprocessor pre = new Preprocessor(Preprocessing.imagenet(TinyCnn.SIZE, TinyCnn.SIZE));
    Labels labels = Labels.of(List.of("zero", "one", "two", "three", "four"));
    Path local = dir.resolve("report");
    ReplayReport report;
    try (FullGradExplainer explainer = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS);
        CaptureFetcher fetcher = new CaptureFetcher(s3, null, new CaptureRecordCodec())) {
      SaliencyReplay replay = new SaliencyReplay(explainer, pre, labels,
          HeatmapRenderer.defaults(), 2, Clock.fixed(END, ZoneOffset.UTC));
      report = replay.replay(SaliencyReplay.fetch(samples, fetcher), List.of(
          new LocalDirectorySink(local),
          S3Sink.reportFolder(s3, stack.s3Bucket(), "capture", "signs", START, END)));

      // the replayed prediction is the model's own on the same pre-processed input
      SaliencyResult direct = explainer.explain(
          pre.batch(List.of(ImageDecoder.decode(signPng, "x"))), null);
      assertThat(report.samples().get(0).predictedClass()).isEqualTo(direct.targets()[0]);
      assertThat(report.samples().get(0).explainedClass()).isEqualTo(direct.targets()[0]);
    }

    assertThat(report.samples()).extracting(ReplayedSample::eventId)
        .containsExactly("evt-ok-1", "evt-ok-2", "evt-broken", "evt-noinput", "evt-json",
            "evt-cut", "evt-gone");
    assertThat(report.samples()).extracting(ReplayedSample::ok)
        .containsExactly(true, true, false, false, true, false, false);
    assertThat(report.samples().get(2).reason()).isEqualTo(
        "evt-broken is not a readable PNG/JPEG image (truncated?): Error reading PNG image data"
            + " (Unexpected end of ZLIB input stream)");
    assertThat(report.samples().get(3).reason()).contains("no captured input");
    assertThat(report.samples().get(5).reason()).contains("truncated at capture.maxBodyBytes");
    assertThat(report.samples().get(6).reason()).contains("#L99").contains("only");

    ReplayedSample ok = report.samples().get(0);
    assertThat(ok.label()).isEqualTo(List.of("zero", "one", "two", "three", "four")
        .get(ok.predictedClass()));
    assertThat(ok.top5()).hasSize(5);
    assertThat(ok.confidence()).isEqualTo(ok.top5().get(0).score());
    BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(ok.overlayPng()));
    assertThat(overlay.getWidth()).isEqualTo(40);
    assertThat(overlay.getHeight()).isEqualTo(30);
    assertThat(report.samples().get(4).panelPng()).isNull(); // a tensor has no image to show

    // same files locally and in S3, next to the window's report.json
    String folder = ReportKeys.directory("capture", "signs", START, END);
    byte[] s3Index = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket())
        .key(folder + SaliencyReplay.INDEX)).asByteArray();
    assertThat(s3Index).isEqualTo(report.indexJson());
    assertThat(Files.readAllBytes(local.resolve(SaliencyReplay.INDEX))).isEqualTo(s3Index);
    byte[] s3Overlay = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket())
        .key(folder + "saliency/evt-ok-1-overlay.png")).asByteArray();
    assertThat(s3Overlay).isEqualTo(ok.overlayPng());
    assertThat(local.resolve("saliency/evt-ok-1-panel.png")).exists();
    assertThat(local.resolve("saliency/evt-broken-overlay.png")).doesNotExist();

    JsonNode index = new ObjectMapper().readTree(new String(s3Index, StandardCharsets.UTF_8));
    assertThat(index.get("generatedAt").asText()).isEqualTo(END.toString());
    assertThat(index.get("provenance").get("modelSha256").asText()).hasSize(64);
    JsonNode first = index.get("samples").get(0);
    assertThat(first.get("eventId").asText()).isEqualTo("evt-ok-1");
    assertThat(first.get("status").asText()).isEqualTo("ok");
    assertThat(first.get("location").asText()).isEqualTo(
        "s3://" + stack.s3Bucket() + "/" + KEY + "#L1");
    assertThat(first.get("overlay").asText()).isEqualTo("evt-ok-1-overlay.png");
    assertThat(first.get("panel").asText()).isEqualTo("evt-ok-1-panel.png");
    assertThat(first.get("top5")).hasSize(5);
    assertThat(first.get("label").asText()).isEqualTo(ok.label());
    JsonNode broken = index.get("samples").get(2);
    assertThat(broken.get("status").asText()).isEqualTo("failed");
    assertThat(broken.get("reason").asText()).isEqualTo(report.samples().get(2).reason());
    assertThat(report.locations()).containsExactly(local.toString(),
        "s3://" + stack.s3Bucket() + "/" + folder);
  }

  private static FlaggedSample flagged(ViolationType type, String feature, String eventId,
      long line) {
    return new FlaggedSample(type, feature, eventId, START, 0, 3, "3", 0.4, List.of(),
        CaptureLocation.s3(stack.s3Bucket(), KEY, line));
  }

  private VigilConfig config(String saliency) throws IOException {
    Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\none\ntwo\nthree\nfour\n");
    return ConfigLoader.parse("""
        endpoints:
          - name: signs
            variant: v1
            upstream: http://127.0.0.1:8080
            labels: %s
            preprocessing: {width: 16, height: 16}
        sinks:
          s3: {bucket: %s, prefix: capture, endpointOverride: "%s", pathStyle: true}
        saliency: %s
        """.formatted(labels, stack.s3Bucket(), stack.s3Endpoint(), saliency), Map.of());
  }

  @Test
  void reportReplayTakesSamplesPerViolationIntoTheReportFolder() throws Exception {
    Violation share = new Violation(ViolationType.CLASS_SHARE_EXCEEDED, "14", 14, 0.8, 0.5,
        0.1, "class 14 is 80% of predictions", Severity.CRITICAL);
    Violation low = new Violation(ViolationType.LOW_CONFIDENCE, "top1_confidence", null, 0.6,
        0.3, null, "60% below 0.5", Severity.WARNING);
    List<FlaggedSample> flagged = List.of(
        flagged(ViolationType.CLASS_SHARE_EXCEEDED, "14", "evt-ok-1", 1),
        flagged(ViolationType.CLASS_SHARE_EXCEEDED, "14", "evt-ok-2", 2),
        flagged(ViolationType.LOW_CONFIDENCE, "top1_confidence", "evt-ok-1", 1),
        flagged(ViolationType.LOW_CONFIDENCE, "top1_confidence", "evt-broken", 3),
        flagged(ViolationType.LOW_CONFIDENCE, "top1_confidence", "evt-json", 5));
    MonitorReport report = new MonitorReport("signs", "v1", START, END, END, "s3",
        "probabilities", null, null, null, null, List.of(), List.of(share, low), flagged, 1.0);
    VigilConfig config = config("{model: " + model + ", samplesPerViolation: 2, batchSize: 4}");
    Path localRoot = dir.resolve("reports");
    try (CaptureFetcher fetcher = new CaptureFetcher(s3, null, new CaptureRecordCodec());
        ReportReplay replay = new ReportReplay(config, s3, fetcher, localRoot,
            Clock.fixed(END, ZoneOffset.UTC))) {
      assertThat(replay.enabled()).isTrue();
      ReplayReport r = replay.replay(report);
      // 2 per violation, each eventId once: ok-1, ok-2 | (ok-1 seen) broken, json
      assertThat(r.samples()).extracting(ReplayedSample::eventId)
          .containsExactly("evt-ok-1", "evt-ok-2", "evt-broken", "evt-json");
      assertThat(r.okCount()).isEqualTo(3);
      assertThat(r.sample("evt-json").orElseThrow().ok()).isTrue();
      assertThat(r.sample("evt-broken").orElseThrow().reason()).contains("truncated?");
      assertThat(r.sample("evt-unknown")).isEmpty();
      assertThat(r.samples().get(0).label()).isIn("zero", "one", "two", "three", "four");
    }
    String folder = ReportKeys.directory("capture", "signs", START, END);
    assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket())
        .key(folder + "saliency/evt-ok-2-overlay.png")).asByteArray()).isNotEmpty();
    assertThat(localRoot.resolve(folder).resolve("saliency/index.json")).exists();
  }

  @Test
  void withoutAModelReportReplayIsDisabled() throws Exception {
    try (CaptureFetcher fetcher = new CaptureFetcher(s3, null, new CaptureRecordCodec());
        ReportReplay replay = new ReportReplay(config("{}"), s3, fetcher, null,
            Clock.systemUTC())) {
      assertThat(replay.enabled()).isFalse();
      MonitorReport report = new MonitorReport("signs", "v1", START, END, END, "s3",
          "probabilities", null, null, null, null, List.of(), List.of(new Violation(
              ViolationType.LOW_CONFIDENCE, "x", null, 1, 0, null, "d", Severity.WARNING)),
          List.of(flagged("evt-ok-1", 1)), 1.0);
      assertThat(replay.replay(report).samples()).isEmpty();
    }
  }

  @Test
  void fileNamesAreSafeAndUnique() {
    java.util.Set<String> taken = new java.util.HashSet<>();
    assertThat(SaliencyReplay.uniqueStem("a/b c", taken)).isEqualTo("a_b_c");
    assertThat(SaliencyReplay.uniqueStem("a/b:c", taken)).isEqualTo("a_b_c-2");
    assertThat(SaliencyReplay.uniqueStem("../x", taken)).isEqualTo("event.._x");
  }

  @Test
  void aSinkThatFailsDoesNotLoseTheOthers() throws Exception {
    ArtifactSink broken = new ArtifactSink() {
      @Override
      public void put(String name, byte[] bytes, String contentType) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public String location() {
        return "broken";
      }
    };
    Path local = dir.resolve("r2");
    try (FullGradExplainer explainer = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS)) {
      SaliencyReplay replay = new SaliencyReplay(explainer,
          new Preprocessor(Preprocessing.imagenet(TinyCnn.SIZE, TinyCnn.SIZE)), Labels.none(),
          HeatmapRenderer.defaults(), 4, Clock.systemUTC());
      ReplayReport report = replay.replay(
          List.of(SaliencyReplay.Capture.of("e1", null, record("e1",
              CapturedBody.base64("image/png", CapturedBody.INPUT, signPng), false))),
          List.of(broken, new LocalDirectorySink(local)));
      assertThat(report.locations()).containsExactly(local.toString());
      assertThat(report.okCount()).isEqualTo(1);
      assertThat(local.resolve("saliency/e1-overlay.png")).exists();
    }
  }
}
