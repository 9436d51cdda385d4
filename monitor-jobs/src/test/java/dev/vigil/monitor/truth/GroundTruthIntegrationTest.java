package dev.vigil.monitor.truth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.GroundTruthCodec;
import dev.vigil.capture.format.GroundTruthRecord;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.classes.Labels;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.baseline.BaselineStore;
import dev.vigil.monitor.check.CheckStatus;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.quality.ClassQuality;
import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.report.ReportPublisher;
import dev.vigil.monitor.window.S3WindowSource;
import dev.vigil.monitor.window.Window;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ground truth on the real S3 server and Kafka broker of the embedded stack: SageMaker-format
 * label lines joined to captured predictions by inference id, late labels re-running a window,
 * and every unusable label counted by its reason.
 *
 * <p>The baseline window (four hours ago) is 90% right, its wrong predictions all less confident
 * than its right ones. The checked window (two hours ago) has 100 signs of classes 0-3 read as
 * stop at confidence 0.55-0.64 (wrong) and 100 right predictions at 0.9: accuracy 0.5, stop's
 * precision 20/120.
 */
class GroundTruthIntegrationTest {
  private static final Labels LABELS = Labels.of(List.of("speed_30", "speed_50", "yield", "priority", "stop"));
  private static final int STOP = 4;
  private static final String ENDPOINT = "quality";
  private static final String CAPTURES = "capture";
  private static final String TRUTH = "ground-truth/quality";
  private static final String TOPIC = "vigil.ground-truth.quality";
  private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS);
  private static final Window BASE = new Window(HOUR.minus(Duration.ofHours(4)), HOUR.minus(Duration.ofHours(3)));
  private static final Window W = new Window(HOUR.minus(Duration.ofHours(2)), HOUR.minus(Duration.ofHours(1)));
  private static final CaptureRecordCodec CAPTURE = new CaptureRecordCodec();
  private static final GroundTruthCodec TRUTH_CODEC = new GroundTruthCodec();

  private static EmbeddedStack stack;
  private static S3Client s3;
  private static KafkaProducer<byte[], byte[]> producer;
  private static Baseline baseline;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().smtp(false).build().start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrapServers());
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());

    // Baseline: 300 predictions, 10% wrong (and less confident); labels written just after it.
    List<byte[]> captures = new ArrayList<>();
    List<GroundTruthRecord> labels = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int truth = i % 5;
      boolean wrong = i * 7 % 100 < 10;
      int predicted = wrong ? (truth + 1) % 5 : truth;
      double conf = wrong ? 0.45 + (i % 10) / 100.0 : 0.80 + (i % 20) / 100.0;
      String id = String.format(Locale.ROOT, "b-%04d", i);
      captures.add(capture(id, BASE.start().plusSeconds(10L * i), predicted, conf));
      labels.add(GroundTruthRecord.csv(id, i % 2 == 0 ? Integer.toString(truth) : LABELS.name(truth)));
    }
    putCaptures(BASE.start(), captures);
    Instant baseLabelled = BASE.end().plusSeconds(60);
    putLabels(baseLabelled, lines(labels));
    labels.forEach(l -> send(baseLabelled, l.id(), TRUTH_CODEC.write(l)));

    // The checked window's captures (its labels come later, in the tests).
    captures.clear();
    for (int i = 0; i < 200; i++) {
      boolean attacked = i < 100;
      captures.add(capture(String.format(Locale.ROOT, "w-%04d", i), W.start().plusSeconds(10L * i),
          attacked ? STOP : i % 5, attacked ? 0.55 + (i % 10) / 100.0 : 0.9));
    }
    putCaptures(W.start(), captures);
    producer.flush();

    WindowMonitor forBaseline = monitor(new S3LabelSource(s3, stack.s3Bucket(), TRUTH), null, null, null);
    MonitorReport b = forBaseline.analyze(BASE);
    BaselineStore store = new BaselineStore(s3);
    String where = "s3://" + stack.s3Bucket() + "/baselines/" + ENDPOINT;
    store.write(where, new Baseline(b.statistics(), Constraints.defaults()));
    baseline = store.read(where); // through JSON: the calibration must survive it
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void baselineCarriesItsAccuracyAndAnIsotonicCalibration() {
    GroundTruthStatistics g = baseline.statistics().groundTruth();
    assertThat(g.labelled()).isEqualTo(300);
    assertThat(g.coverage()).isEqualTo(1.0);
    assertThat(g.accuracy()).isEqualTo(270 / 300.0);
    assertThat(g.calibration()).isNotNull();
    assertThat(g.calibration().apply(0.5)).isEqualTo(0.0);
    assertThat(g.calibration().apply(0.95)).isEqualTo(1.0);
    assertThat(g.calibration().n()).isEqualTo(300);
    assertThat(g.problems()).containsEntry("unmatched_id", 0L).containsEntry("malformed_line", 0L);
  }

  @Test
  void estimateBeforeLabelsThenLateLabelsReplaceTheReportWithAccuracyBesideIt() throws Exception {
    String prefix = TRUTH + "-late";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<MonitorReport> heard = new ArrayList<>();
    ReportPublisher publisher = new ReportPublisher(s3, stack.s3Bucket(), "late", null, null);
    WindowMonitor m = monitor(new S3LabelSource(s3, stack.s3Bucket(), prefix), publisher,
        new MonitorMetrics(registry), heard);

    MonitorReport before = m.run(W);
    GroundTruthStatistics g0 = before.statistics().groundTruth();
    assertThat(g0.labelled()).isZero();
    assertThat(g0.accuracy()).isNull();
    assertThat(g0.estimatedAccuracy()).isBetween(0.5, 0.7); // attacked at 0.55-0.64 calibrate to 0.04-0.38
    assertThat(types(before)).contains(ViolationType.ESTIMATED_ACCURACY_DROP)
        .doesNotContain(ViolationType.ACCURACY_DROP);
    assertThat(before.checks()).anyMatch(c -> c.type() == ViolationType.ACCURACY_DROP
        && c.status() == CheckStatus.UNAVAILABLE && c.description().contains("no labelled predictions"));
    assertThat(m.recheckLabels()).isEmpty(); // nothing new yet

    putLabels(Instant.now().minusSeconds(5), windowLabels());
    List<MonitorReport> rerun = m.recheckLabels();
    assertThat(rerun).extracting(MonitorReport::windowStart).containsExactly(W.start());
    assertThat(m.recheckLabels()).isEmpty(); // the same labels do not re-run it again

    MonitorReport after = rerun.get(0);
    assertThat(heard).hasSize(2).last().isSameAs(after);
    GroundTruthStatistics g = after.statistics().groundTruth();
    assertWindowFigures(g);
    assertThat(g.estimatedAccuracy()).isEqualTo(g0.estimatedAccuracy());
    Violation drop = violation(after, ViolationType.ACCURACY_DROP);
    assertThat(drop.value()).isCloseTo(0.9 - 0.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(drop.severity()).isEqualTo(dev.vigil.monitor.check.Severity.CRITICAL);
    assertThat(drop.description()).contains("estimated before labels");
    assertThat(after.violations().stream().filter(v -> v.type() == ViolationType.CLASS_RECALL_DROP)
        .map(Violation::featureName)).containsExactlyInAnyOrder("speed_30", "speed_50", "yield", "priority");

    String dir = ReportKeys.directory("late", ENDPOINT, W.start(), W.end());
    MonitorReport stored = ReportJson.read(
        s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(dir + ReportKeys.REPORT)).asByteArray());
    assertThat(stored.statistics().groundTruth()).isEqualTo(g);
    byte[] png = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(dir + ReportKeys.CONFUSION_MATRIX_PNG))
        .asByteArray();
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    assertThat(registry.get("vigil.monitor.labels.unused").tags("endpoint", ENDPOINT, "reason", "duplicate").gauge()
        .value()).isEqualTo(1.0);
    assertThat(registry.get("vigil.monitor.accuracy").tags("endpoint", ENDPOINT).gauge().value()).isEqualTo(0.5);
  }

  @Test
  void kafkaLabelsGiveTheSameFiguresAsS3Labels() throws Exception {
    Instant t = Instant.now().minusSeconds(5);
    for (byte[] line : windowLabels()) {
      send(t, null, line);
    }
    producer.flush();
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrapServers());
    WindowMonitor m = monitor(new KafkaLabelSource(p, TOPIC, Duration.ofSeconds(60)), null, null, null);
    GroundTruthStatistics g = m.analyze(W).statistics().groundTruth();
    assertThat(g.source()).isEqualTo("kafka");
    assertWindowFigures(g);
  }

  /** The figures of the checked window with its labels, whichever store they came from. */
  private static void assertWindowFigures(GroundTruthStatistics g) {
    assertThat(g.labelled()).isEqualTo(200);
    assertThat(g.coverage()).isEqualTo(1.0);
    assertThat(g.accuracy()).isEqualTo(0.5);
    ClassQuality stop = g.classOf("stop");
    assertThat(stop.predicted()).isEqualTo(120);
    assertThat(stop.precision()).isEqualTo(20 / 120.0);
    assertThat(stop.recall()).isEqualTo(1.0);
    assertThat(g.classOf("yield").recall()).isEqualTo(20 / 45.0);
    assertThat(g.confusion().get(2).get(STOP)).isEqualTo(25);
    assertThat(g.estimatedAccuracyLabelled()).isEqualTo(g.estimatedAccuracy());
    // 204 lines: 200 labels, one duplicate, one unknown label, one unknown id, one broken line.
    assertThat(g.labelsRead()).isEqualTo(204);
    assertThat(g.problems()).containsEntry("malformed_line", 1L).containsEntry("unknown_label", 1L)
        .containsEntry("duplicate", 1L).containsEntry("unmatched_id", 1L).containsEntry("batched_record", 0L);
    assertThat(g.problemExamples().get("unknown_label")).contains("banana");
  }

  /** The checked window's labels: by index, by label text, JSON-encoded, and four bad ones. */
  private static List<byte[]> windowLabels() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int truth = i < 100 ? i % 4 : i % 5;
      String id = String.format(Locale.ROOT, "w-%04d", i);
      if (i == 151) {
        out.add(TRUTH_CODEC.write(GroundTruthRecord.csv(id, "banana"))); // unknown label, corrected below
      }
      if (i == 150) {
        out.add(TRUTH_CODEC.write(GroundTruthRecord.csv(id, "1"))); // wrong, replaced by the later line
      }
      out.add(switch (i % 3) {
        case 0 -> TRUTH_CODEC.write(GroundTruthRecord.csv(id, Integer.toString(truth)));
        case 1 -> TRUTH_CODEC.write(GroundTruthRecord.csv(id, LABELS.name(truth)));
        default -> ("{\"groundTruthData\":{\"data\":" + truth + ",\"encoding\":\"JSON\"},\"eventMetadata\":{\"eventId\":\""
            + id + "\"},\"eventVersion\":\"0\"}").getBytes(StandardCharsets.UTF_8);
      });
    }
    out.add(TRUTH_CODEC.write(GroundTruthRecord.csv("nobody-0001", "1")));
    out.add("{\"groundTruthData\": oops".getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static List<byte[]> lines(List<GroundTruthRecord> records) {
    return records.stream().map(TRUTH_CODEC::write).toList();
  }

  private static WindowMonitor monitor(LabelSource labels, ReportPublisher publisher, MonitorMetrics metrics,
      List<MonitorReport> heard) {
    S3WindowSource source = new S3WindowSource(s3, stack.s3Bucket(), CAPTURES, ENDPOINT, "v1", Duration.ofHours(2), 2);
    return new WindowMonitor(ENDPOINT, "v1", new OutputSpec(OutputFormat.PROBABILITIES, null, false, LABELS), source,
        Constraints.defaults(), baseline, 8, publisher, metrics, heard == null ? List.of() : List.of(heard::add),
        Clock.systemUTC(), labels, Duration.ofHours(24), null);
  }

  private static byte[] capture(String inferenceId, Instant t, int predicted, double conf) {
    double[] p = new double[5];
    for (int c = 0; c < 5; c++) {
      p[c] = c == predicted ? conf : (1 - conf) / 4;
    }
    StringBuilder json = new StringBuilder("[");
    for (int c = 0; c < 5; c++) {
      json.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", p[c]));
    }
    CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", CapturedBody.INPUT, new byte[] {1, 2, 3}),
        CapturedBody.text("application/json", CapturedBody.OUTPUT, json.append(']').toString()),
        UUID.nameUUIDFromBytes(inferenceId.getBytes(StandardCharsets.UTF_8)).toString(), t, inferenceId,
        CaptureRecord.EVENT_VERSION, new VigilMetadata(ENDPOINT, "v1", 1000, 200, false));
    return CAPTURE.toJsonLine(r);
  }

  private static void putCaptures(Instant first, List<byte[]> lines) {
    String key = CaptureLayout.objectKey(CAPTURES, ENDPOINT, "v1", first, UUID.randomUUID());
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(key), RequestBody.fromBytes(join(lines)));
  }

  private static void putLabels(Instant written, List<byte[]> lines) {
    for (String prefix : List.of(TRUTH, TRUTH + "-late")) {
      String key = CaptureLayout.objectKey(prefix, written, UUID.randomUUID());
      s3.putObject(b -> b.bucket(stack.s3Bucket()).key(key), RequestBody.fromBytes(join(lines)));
    }
  }

  private static void send(Instant t, String key, byte[] value) {
    producer.send(new ProducerRecord<>(TOPIC, null, t.toEpochMilli(),
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  private static byte[] join(List<byte[]> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lines.forEach(l -> {
      out.writeBytes(l);
      out.write('\n');
    });
    return out.toByteArray();
  }

  private static List<ViolationType> types(MonitorReport r) {
    return r.violations().stream().map(Violation::type).toList();
  }

  private static Violation violation(MonitorReport r, ViolationType t) {
    return r.violations().stream().filter(v -> v.type() == t).findFirst().orElseThrow();
  }
}
