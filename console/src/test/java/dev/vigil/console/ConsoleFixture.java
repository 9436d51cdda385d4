package dev.vigil.console;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.baseline.BaselineStore;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.window.Window;
import dev.vigil.pipeline.replay.ReportReplay;
import dev.vigil.saliency.sanity.OrtTestSupport;
import dev.vigil.saliency.sanity.TinyCnn;
import dev.vigil.stack.EmbeddedStack;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real embedded S3 (S3Proxy) filled by the real code path: captures written under {@link
 * CaptureLayout}, a baseline built by the monitor from the first window and stored by {@link
 * BaselineStore}, then {@link WindowMonitor#run} over each hourly window (its {@code
 * ReportPublisher} writes report.json, constraint_violations.json and the charts) and the
 * pipeline's {@link ReportReplay} (FullGrad index and overlays, tiny CNN). Windows are the last
 * {@value #WINDOWS} hours before now; the last two over-predict "Stop".
 *
 * <p>Shared by the test classes of one JVM (started once, closed at exit).
 */
final class ConsoleFixture {
  static final String ENDPOINT = "traffic-signs";
  /** Class names: long ones (must not be cut) and one with markup (must be escaped). */
  static final List<String> LABELS = List.of("Speed limit (30km/h)", "Stop", "Yield",
      "No entry <b>bold</b>", "Roundabout mandatory");
  static final int WINDOWS = 6;
  static final int PER_WINDOW = 40;
  /** An eventId that no report flags (the look-up must scan its hour). */
  static final String UNFLAGGED_ID = "evt-quiet-w0-0";

  private static ConsoleFixture shared;

  final EmbeddedStack stack;
  final S3Client s3;
  final VigilConfig config;
  /** The configuration file {@link #config} was read from. */
  final Path configFile;
  final Path dir;
  final List<Window> windows = new ArrayList<>();
  final List<MonitorReport> reports = new ArrayList<>();

  static synchronized ConsoleFixture get() throws Exception {
    if (shared == null) {
      shared = new ConsoleFixture();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  private ConsoleFixture() throws Exception {
    OrtTestSupport.init();
    dir = Files.createTempDirectory("vigil-console-test");
    stack = EmbeddedStack.builder().dataDir(dir.resolve("stack")).kafka(false).smtp(false).postgres(false).build()
        .start();
    Path labels = Files.write(dir.resolve("labels.txt"), LABELS);
    Path model = TinyCnn.write(dir.resolve("tiny.onnx"), 3);
    configFile = Files.writeString(dir.resolve("vigil.yaml"), yaml(labels, model));
    config = ConfigLoader.load(configFile, Map.of());
    s3 = MonitorRuntime.s3Client(config.sinks().s3());

    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
    CaptureRecordCodec codec = new CaptureRecordCodec();
    for (int w = 0; w < WINDOWS; w++) {
      Instant start = end.minus(Duration.ofHours(WINDOWS - w));
      windows.add(new Window(start, start.plus(Duration.ofHours(1))));
      writeCaptures(codec, w, start, w >= WINDOWS - 2);
    }
    try (MonitorRuntime runtime = new MonitorRuntime(config, null, List.of(), true, Clock.systemUTC());
        CaptureFetcher fetcher = new CaptureFetcher(s3, null, codec);
        ReportReplay replay = new ReportReplay(config, s3, fetcher, null, Clock.systemUTC())) {
      MonitorReport base = runtime.baselineMonitor(ENDPOINT, null).analyze(windows.get(0));
      runtime.baselines().write(MonitorRuntime.baselineLocation(config.monitor().baseline(), ENDPOINT),
          new Baseline(base.statistics(), MonitorRuntime.constraints(config.monitor())));
      WindowMonitor monitor = runtime.monitor(ENDPOINT);
      for (Window w : windows) {
        MonitorReport r = monitor.run(w);
        reports.add(r);
        replay.replay(r);
      }
    }
  }

  private String yaml(Path labels, Path model) {
    return String.format(Locale.ROOT, """
        endpoints:
          - name: %s
            variant: v1
            labels: %s
            preprocessing: {width: %d, height: %d}
        sinks:
          kafka: {enabled: false}
          s3: {bucket: %s, prefix: capture, endpointOverride: %s, pathStyle: true, region: %s,
               accessKeyId: %s, secretAccessKey: %s}
        monitor:
          minRecords: 20
          baseline: s3://%s/baselines/{endpoint}
          flaggedSamplesPerViolation: 4
          thresholds: {classShareMax: 0.5, lowConfidenceShareMax: 0.9}
        saliency: {model: %s, samplesPerViolation: 2}
        """, ENDPOINT, labels, TinyCnn.SIZE, TinyCnn.SIZE, stack.s3Bucket(), stack.s3Endpoint(), stack.s3Region(),
        stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Bucket(), model);
  }

  /** One capture object per window: class-balanced traffic, or 80% "Stop" when {@code skewed}. */
  private void writeCaptures(CaptureRecordCodec codec, int w, Instant start, boolean skewed) throws IOException {
    Random rng = new Random(w);
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (int i = 0; i < PER_WINDOW; i++) {
      int cls = skewed && i % 5 != 0 ? 1 : i % LABELS.size();
      double[] p = new double[LABELS.size()];
      double top = 0.6 + 0.35 * rng.nextDouble();
      for (int k = 0; k < p.length; k++) {
        p[k] = k == cls ? top : (1 - top) / (p.length - 1);
      }
      StringBuilder out = new StringBuilder("[");
      for (int k = 0; k < p.length; k++) {
        out.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", p[k]));
      }
      String id = (skewed ? "evt-stop-w" : "evt-quiet-w") + w + "-" + i;
      CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", CapturedBody.INPUT, sign(cls, i)),
          CapturedBody.text("application/json", CapturedBody.OUTPUT, out.append(']').toString()), id,
          start.plusSeconds(60 + 60L * i), null, CaptureRecord.EVENT_VERSION,
          new VigilMetadata(ENDPOINT, "v1", 1500, 200, false));
      lines.write(codec.toJsonLine(r));
      lines.write('\n');
    }
    String key = CaptureLayout.objectKey("capture", ENDPOINT, "v1", start.plusSeconds(60), UUID.randomUUID());
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(key), RequestBody.fromBytes(lines.toByteArray()));
  }

  /** A small sign-like picture: a disc of the class's colour. */
  static byte[] sign(int cls, int i) throws IOException {
    BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(230, 230, 220));
    g.fillRect(0, 0, 48, 48);
    g.setColor(Color.getHSBColor(cls / 5f, 0.9f, 0.85f));
    g.fillOval(6 + i % 4, 6, 34, 34);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  void close() {
    s3.close();
    stack.close();
  }
}
