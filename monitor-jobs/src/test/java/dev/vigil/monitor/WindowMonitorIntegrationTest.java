package dev.vigil.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.monitor.check.CheckStatus;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.admin.AdminServer;
import dev.vigil.monitor.report.MonitorAdmin;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.report.ReportPublisher;
import dev.vigil.monitor.window.KafkaWindowSource;
import dev.vigil.monitor.window.S3WindowSource;
import dev.vigil.monitor.window.Window;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Real Kafka (KRaft) and a real S3 server (S3Proxy) from the embedded stack, one per class. */
class WindowMonitorIntegrationTest {
  /**
   * Three hours ago, never a fixed date: the broker deletes records older than its retention
   * (7 days), and a fixed window would silently read less once it aged past that.
   */
  private static final Window W = Window.parse(Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3)) + "/PT1H");
  private static final String PREFIX = "capture";
  private static final String SKEWED = "signs";
  private static final String BALANCED = "balanced";

  private static EmbeddedStack stack;
  private static S3Client s3;
  private static KafkaProducer<byte[], byte[]> producer;
  /** eventId -> top-1 confidence of the class-14 records of the skewed window. */
  private static final Map<String, Double> class14 = new java.util.HashMap<>();

  @BeforeAll
  static void startStackAndWriteWindows() throws Exception {
    stack = EmbeddedStack.builder().smtp(false).build().start();
    s3 = S3Client.builder()
        .endpointOverride(stack.s3Endpoint())
        .forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic(SKEWED), 3, (short) 1), new NewTopic(topic(BALANCED), 3, (short) 1)))
          .all().get();
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    writeSkewedWindow();
    writeBalancedWindow();
    producer.flush();
  }

  static String topic(String endpoint) {
    return "vigil.capture." + endpoint;
  }

  /** 322 of 400 predictions are class 14, plus records just outside the window and 3 broken lines. */
  private static void writeSkewedWindow() {
    Random rnd = new Random(42);
    List<byte[]> before = new ArrayList<>();
    for (int j = 0; j < 10; j++) {
      Instant t = W.start().minusSeconds(30 - j);
      CaptureRecord r = Captures.record(SKEWED, "before-" + j, t, Captures.probabilities(14, 0.99, rnd), rnd);
      before.add(Captures.CODEC.toJsonLine(r));
      Captures.produce(producer, topic(SKEWED), j % 3, t.plusSeconds(1), r.eventId(), before.get(j));
    }
    List<byte[]> lines = new ArrayList<>();
    Instant objectStart = W.start().minusSeconds(30);
    List<byte[]> current = new ArrayList<>(before);
    for (int i = 0; i < 400; i++) {
      Instant t = W.start().plusSeconds(i * 8L);
      int cls = i < 322 ? 14 : (i % 42 >= 14 ? i % 42 + 1 : i % 42);
      double conf = i < 322 ? 0.6 + (i * 37 % 322) / 1000.0 : 0.7 + (i % 10) / 100.0;
      String id = String.format("ev-%04d", i);
      if (cls == 14) {
        class14.put(id, conf);
      }
      CaptureRecord r = Captures.record(SKEWED, id, t, Captures.probabilities(cls, conf, rnd), rnd);
      byte[] line = Captures.CODEC.toJsonLine(r);
      Captures.produce(producer, topic(SKEWED), i % 3, t.plusSeconds(2), id, line);
      current.add(line);
      if (i == 200) {
        byte[] corrupt = "{\"captureData\": not json at all".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = "\u0000\u0001binary garbage".getBytes(StandardCharsets.UTF_8);
        byte[] cut = Captures.truncated(line);
        for (byte[] bad : List.of(corrupt, garbage, cut)) {
          current.add(bad);
          Captures.produce(producer, topic(SKEWED), 1, t.plusSeconds(2), null, bad);
        }
      }
      if (current.size() >= 50) {
        Captures.putObject(s3, stack.s3Bucket(), PREFIX, SKEWED, objectStart, current);
        current = new ArrayList<>();
        objectStart = W.start().plusSeconds((i + 1) * 8L);
      }
    }
    if (!current.isEmpty()) {
      Captures.putObject(s3, stack.s3Bucket(), PREFIX, SKEWED, objectStart, current);
    }
    List<byte[]> after = new ArrayList<>();
    for (int j = 0; j < 10; j++) {
      Instant t = W.end().plusSeconds(j);
      CaptureRecord r = Captures.record(SKEWED, "after-" + j, t, Captures.probabilities(3, 0.95, rnd), rnd);
      after.add(Captures.CODEC.toJsonLine(r));
      Captures.produce(producer, topic(SKEWED), j % 3, t.plusSeconds(1), r.eventId(), after.get(j));
    }
    Captures.putObject(s3, stack.s3Bucket(), PREFIX, SKEWED, W.end(), after);
    lines.clear();
  }

  private static void writeBalancedWindow() {
    Random rnd = new Random(7);
    List<byte[]> lines = new ArrayList<>();
    for (int i = 0; i < 430; i++) {
      Instant t = W.start().plusSeconds(i * 8L);
      CaptureRecord r = Captures.record(BALANCED, "b-" + i, t, Captures.probabilities(i % 43, 0.8, rnd), rnd);
      byte[] line = Captures.CODEC.toJsonLine(r);
      lines.add(line);
      Captures.produce(producer, topic(BALANCED), i % 3, t, r.eventId(), line);
    }
    Captures.putObject(s3, stack.s3Bucket(), PREFIX, BALANCED, W.start(), lines);
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

  private static S3WindowSource s3Source(String endpoint) {
    return new S3WindowSource(s3, stack.s3Bucket(), PREFIX, endpoint, "v1", Duration.ofMinutes(2), 2);
  }

  private static KafkaWindowSource kafkaSource(String endpoint) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    return new KafkaWindowSource(p, topic(endpoint), "v1", Duration.ofMinutes(5), Duration.ofSeconds(60), 2);
  }

  private static WindowMonitor monitor(String endpoint, dev.vigil.monitor.window.WindowSource source,
      ReportPublisher publisher, MonitorMetrics metrics, List<dev.vigil.monitor.report.ReportListener> listeners) {
    return new WindowMonitor(endpoint, "v1", OutputSpec.of(OutputFormat.PROBABILITIES), source,
        Constraints.defaults(), null, 16, publisher, metrics, listeners, Clock.systemUTC());
  }

  @Test
  void classFourteenAtEightyPercentYieldsExactlyOneClassShareViolationWithItsLeastConfidentRecords() throws Exception {
    MonitorReport r = monitor(SKEWED, s3Source(SKEWED), null, null, List.of()).analyze(W);

    assertThat(r.statistics().count()).isEqualTo(400);
    assertThat(r.violations()).hasSize(1);
    Violation v = r.violations().get(0);
    assertThat(v.type()).isEqualTo(ViolationType.CLASS_SHARE_EXCEEDED);
    assertThat(v.classIndex()).isEqualTo(14);
    assertThat(v.featureName()).isEqualTo("14");
    assertThat(v.value()).isEqualTo(0.805);
    assertThat(v.limit()).isEqualTo(0.5);

    List<String> expected = class14.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(16).map(Map.Entry::getKey).toList();
    assertThat(r.flaggedSamples()).extracting(FlaggedSample::eventId).containsExactlyElementsOf(expected);
    assertThat(r.flaggedSamples()).allSatisfy(s -> {
      assertThat(s.predictedClass()).isEqualTo(14);
      assertThat(s.location().kind()).isEqualTo(CaptureLocation.Kind.S3);
    });
    assertThat(r.flaggedSamples().get(0).confidence()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void corruptAndTruncatedLinesAreCountedNotFatal() throws Exception {
    MonitorReport r = monitor(SKEWED, s3Source(SKEWED), null, null, List.of()).analyze(W);
    assertThat(r.statistics().records()).isEqualTo(403);
    assertThat(r.statistics().unusable()).containsEntry("corrupt_line", 2L).containsEntry("truncated_object", 1L);
    assertThat(r.completeness()).isEqualTo(1 - 3 / 403.0);
    assertThat(r.checks()).filteredOn(c -> c.type() == ViolationType.COMPLETENESS)
        .extracting(c -> c.status()).containsExactly(CheckStatus.PASSED);
  }

  @Test
  void s3AndKafkaSourcesGiveIdenticalStatisticsForTheSameWindow() throws Exception {
    MonitorReport fromS3 = monitor(SKEWED, s3Source(SKEWED), null, null, List.of()).analyze(W);
    MonitorReport fromKafka = monitor(SKEWED, kafkaSource(SKEWED), null, null, List.of()).analyze(W);
    assertThat(fromKafka.source()).isEqualTo("kafka");
    assertThat(fromKafka.statistics()).isEqualTo(fromS3.statistics());
    assertThat(fromKafka.violations()).isEqualTo(fromS3.violations());
    assertThat(fromKafka.flaggedSamples()).extracting(FlaggedSample::eventId)
        .containsExactlyElementsOf(fromS3.flaggedSamples().stream().map(FlaggedSample::eventId).toList());
    assertThat(fromKafka.flaggedSamples()).allSatisfy(s -> assertThat(s.location().kind()).isEqualTo(CaptureLocation.Kind.KAFKA));

    MonitorReport balancedS3 = monitor(BALANCED, s3Source(BALANCED), null, null, List.of()).analyze(W);
    MonitorReport balancedKafka = monitor(BALANCED, kafkaSource(BALANCED), null, null, List.of()).analyze(W);
    assertThat(balancedKafka.statistics()).isEqualTo(balancedS3.statistics());
  }

  @Test
  void fetcherReturnsTheFlaggedRecordFromS3AndFromKafka() throws Exception {
    MonitorReport fromS3 = monitor(SKEWED, s3Source(SKEWED), null, null, List.of()).analyze(W);
    MonitorReport fromKafka = monitor(SKEWED, kafkaSource(SKEWED), null, null, List.of()).analyze(W);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    try (dev.vigil.monitor.flag.CaptureFetcher fetcher = new dev.vigil.monitor.flag.CaptureFetcher(s3, p, Captures.CODEC)) {
      for (FlaggedSample s : List.of(fromS3.flaggedSamples().get(0), fromS3.flaggedSamples().get(5),
          fromKafka.flaggedSamples().get(0), fromKafka.flaggedSamples().get(7))) {
        CaptureRecord r = fetcher.fetch(s.location());
        assertThat(r.eventId()).isEqualTo(s.eventId());
        assertThat(r.endpointInput().bytes()).hasSize(600);
      }
    }
  }

  @Test
  void baselineRoundTripsThroughS3AndJudgesTheSkewedWindowAgainstTheBalancedOne() throws Exception {
    dev.vigil.monitor.baseline.BaselineStore store = new dev.vigil.monitor.baseline.BaselineStore(s3);
    MonitorReport balanced = monitor(BALANCED, s3Source(BALANCED), null, null, List.of()).analyze(W);
    String location = "s3://" + stack.s3Bucket() + "/baselines/signs/";
    store.write(location, new dev.vigil.monitor.baseline.Baseline(balanced.statistics(), Constraints.defaults()));
    dev.vigil.monitor.baseline.Baseline back = store.read(location);
    assertThat(back.statistics()).isEqualTo(balanced.statistics());
    assertThat(back.constraints()).isEqualTo(Constraints.defaults());

    MonitorReport judged = new WindowMonitor(SKEWED, "v1", OutputSpec.of(OutputFormat.PROBABILITIES), s3Source(SKEWED),
        Constraints.defaults(), back, 4, null, null, List.of(), Clock.systemUTC()).analyze(W);
    assertThat(judged.violations()).extracting(Violation::type)
        .containsExactly(ViolationType.CLASS_SHARE_EXCEEDED, ViolationType.CLASS_DISTRIBUTION_DRIFT);
    Violation share = judged.violations().get(0);
    assertThat(share.baselineValue()).isEqualTo(10 / 430.0);
    Violation drift = judged.violations().get(1);
    assertThat(drift.value()).isEqualTo(0.805 - 10 / 430.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(judged.flaggedSamples()).filteredOn(f -> f.violation() == ViolationType.CLASS_DISTRIBUTION_DRIFT)
        .hasSize(4).allSatisfy(f -> assertThat(f.predictedClass()).isEqualTo(14));
    assertThatThrownByMissing(store);
  }

  private static void assertThatThrownByMissing(dev.vigil.monitor.baseline.BaselineStore store) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.read("s3://" + stack.s3Bucket() + "/no-such-baseline"))
        .isInstanceOf(dev.vigil.monitor.baseline.BaselineException.class)
        .hasMessageContaining("does not exist; create it with `vigil baseline --out");
  }

  @Test
  void kafkaReaderSkipsReSentRecordsAndReportsAWindowOlderThanRetentionAsIncomplete() throws Exception {
    String endpoint = "resent";
    Window w = Window.parse(W.start().minus(Duration.ofHours(2)) + "/PT1H");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic(endpoint), 1, (short) 1))).all().get();
      Random rnd = new Random(3);
      List<byte[]> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Instant t = w.start().plusSeconds(i * 36L);
        CaptureRecord r = Captures.record(endpoint, "r-" + i, t, Captures.probabilities(i % 43, 0.8, rnd), rnd);
        lines.add(Captures.CODEC.toJsonLine(r));
        Captures.produce(producer, topic(endpoint), 0, t, r.eventId(), lines.get(i));
      }
      // The agent re-sends the first 20 a minute after the window (at-least-once after an outage).
      for (int i = 0; i < 20; i++) {
        Captures.produce(producer, topic(endpoint), 0, w.end().plusSeconds(60), "r-" + i, lines.get(i));
      }
      producer.flush();

      MonitorReport whole = monitor(endpoint, kafkaSource(endpoint), null, null, List.of()).analyze(w);
      assertThat(whole.statistics().count()).as("each eventId counted once").isEqualTo(100);
      assertThat(whole.violations()).extracting(Violation::type).doesNotContain(ViolationType.INCOMPLETE_WINDOW);

      // Retention deletes the first half (what the broker does when segments age out: the log start moves).
      admin.deleteRecords(Map.of(new org.apache.kafka.common.TopicPartition(topic(endpoint), 0),
          org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(50))).all().get();
      MonitorReport cut = monitor(endpoint, kafkaSource(endpoint), null, null, List.of()).analyze(w);
      Violation incomplete = cut.violations().get(0);
      assertThat(incomplete.type()).isEqualTo(ViolationType.INCOMPLETE_WINDOW);
      assertThat(incomplete.value()).as("share of the window read: from record 50 (30 min in) to the end")
          .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(incomplete.description()).contains("only 50% of it could be read");
      // Records 50..99, and the re-sent 0..19 whose first copies retention deleted.
      assertThat(cut.statistics().count()).isEqualTo(70);
    }
  }

  @Test
  void balancedWindowYieldsNoViolation() throws Exception {
    MonitorReport r = monitor(BALANCED, kafkaSource(BALANCED), null, null, List.of()).analyze(W);
    assertThat(r.statistics().count()).isEqualTo(430);
    assertThat(r.violations()).isEmpty();
    assertThat(r.flaggedSamples()).isEmpty();
  }

  @Test
  void runWritesReportUnderTheWindowKeyPublishesToKafkaAndRerunReplacesIt() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MonitorMetrics metrics = new MonitorMetrics(registry);
    List<MonitorReport> heard = new CopyOnWriteArrayList<>();
    ReportPublisher publisher = new ReportPublisher(s3, stack.s3Bucket(), PREFIX, producer, "vigil.reports");
    WindowMonitor m = monitor(SKEWED, s3Source(SKEWED), publisher, metrics,
        List.of(heard::add, report -> { throw new IllegalStateException("a broken listener"); }));

    m.run(W);
    m.run(W);

    String dir = ReportKeys.directory(PREFIX, SKEWED, W.start(), W.end());
    DateTimeFormatter hour = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    assertThat(dir).isEqualTo("capture/reports/signs/" + hour.format(W.start()) + "/" + stamp.format(W.start()) + "_"
        + stamp.format(W.end()) + "/");
    List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(stack.s3Bucket()).prefix(PREFIX + "/reports/" + SKEWED + "/"))
        .contents().stream().map(S3Object::key).sorted().toList();
    assertThat(keys).containsExactly(dir + "class_distribution.png", dir + "class_share_history.png",
        dir + "confidence_histogram.png", dir + "constraint_violations.json", dir + "report.json");
    byte[] png = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(dir + "class_distribution.png")).asByteArray();
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");

    MonitorReport stored = ReportJson.read(
        s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(dir + "report.json")).asByteArray());
    assertThat(stored.statistics()).isEqualTo(heard.get(0).statistics());
    assertThat(stored.violations()).isEqualTo(heard.get(0).violations());
    assertThat(stored.flaggedSamples()).isEqualTo(heard.get(0).flaggedSamples());
    String sagemaker = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(dir + "constraint_violations.json")).asUtf8String();
    var tree = ReportJson.mapper().readTree(sagemaker);
    assertThat(tree.get("violations")).hasSize(1);
    assertThat(tree.get("violations").get(0).get("feature_name").asText()).isEqualTo("14");
    assertThat(tree.get("violations").get(0).get("constraint_check_type").asText()).isEqualTo("class_share_exceeded");
    assertThat(tree.get("violations").get(0).get("description").asText()).contains("80.5%");

    assertThat(heard).hasSize(2);
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reports");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> published = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of("vigil.reports"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (published.size() < 2 && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(published::add);
      }
    }
    assertThat(published).hasSize(2);
    assertThat(ReportJson.read(published.get(0).value()).violations()).isEqualTo(heard.get(0).violations());

    try (AdminServer admin = MonitorAdmin.start("127.0.0.1", 0, null, registry, () -> true)) {
      String scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape).contains("vigil_monitor_class_share{class=\"14\",endpoint=\"signs\"} 0.805");
      assertThat(scrape).contains("vigil_monitor_violations{endpoint=\"signs\",type=\"class_share_exceeded\"} 1.0");
      assertThat(scrape).contains("vigil_monitor_listener_failures_total");
    }
  }
}
