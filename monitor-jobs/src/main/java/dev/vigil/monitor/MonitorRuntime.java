package dev.vigil.monitor;

import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.classes.Labels;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.GroundTruthConfig;
import dev.vigil.config.KafkaSinkConfig;
import dev.vigil.config.MonitorConfig;
import dev.vigil.config.MonitorSource;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.baseline.BaselineException;
import dev.vigil.monitor.baseline.BaselineStore;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.report.ReportListener;
import dev.vigil.monitor.report.ReportPublisher;
import dev.vigil.monitor.truth.GroundTruthWriter;
import dev.vigil.monitor.truth.KafkaLabelSource;
import dev.vigil.monitor.truth.LabelSource;
import dev.vigil.monitor.truth.S3LabelSource;
import dev.vigil.monitor.signals.ModelProbe;
import dev.vigil.monitor.signals.ModelSignals;
import dev.vigil.monitor.window.KafkaWindowSource;
import dev.vigil.monitor.window.S3WindowSource;
import dev.vigil.monitor.window.WindowSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Wires the monitor from a validated {@link VigilConfig}: one S3 client, one report producer,
 * per-endpoint sources and baselines. Owns the clients it opened; close it when done. Constructor
 * wiring only; nothing static.
 */
public final class MonitorRuntime implements AutoCloseable {
  /** Slack added to {@code sinks.s3.objectMaxAge} when looking for objects that start before a window. */
  static final Duration S3_LOOKBACK_SLACK = Duration.ofMinutes(1);
  /** Produce-time slack around a window when reading Kafka (see {@link KafkaWindowSource}). */
  static final Duration KAFKA_GRACE = Duration.ofMinutes(5);
  static final Duration KAFKA_TIMEOUT = Duration.ofMinutes(5);

  private final VigilConfig config;
  private final S3Client s3;
  private final Producer<byte[], byte[]> reportProducer;
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  private final MonitorMetrics metrics;
  private final List<ReportListener> listeners;
  private final BaselineStore baselines;
  private final Clock clock;
  private final boolean publish;
  private final ModelProbe.Factory probes; // null: no model-side signals

  /**
   * @param metricsOrNull gauges, or null
   * @param publish whether reports are written to S3 and Kafka (false for baseline runs)
   */
  public MonitorRuntime(VigilConfig config, MonitorMetrics metricsOrNull, List<ReportListener> listeners,
      boolean publish, Clock clock) {
    this(config, metricsOrNull, listeners, publish, clock, null);
  }

  /**
   * As the plain runtime; with {@code probeOrNull} and {@code saliency.signals.enabled}, windows
   * and baselines get the model-side signals (input drift, adversarial screening).
   *
   * @param probesOrNull the model per endpoint (pipeline's {@code ReportPipeline.probes()}), not closed here
   */
  public MonitorRuntime(VigilConfig config, MonitorMetrics metricsOrNull, List<ReportListener> listeners,
      boolean publish, Clock clock, ModelProbe.Factory probesOrNull) {
    this.probes = config.saliency().signals().enabled() ? probesOrNull : null;
    this.config = config;
    this.metrics = metricsOrNull;
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
    this.s3 = s3Client(config.sinks().s3());
    Producer<byte[], byte[]> p = null;
    try {
      if (publish && config.sinks().kafka().enabled()) {
        Properties props = kafkaClientProperties(config.sinks().kafka());
        props.put("acks", "all");
        props.put("client.id", "vigil-monitor-reports");
        p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
      }
    } catch (RuntimeException e) {
      s3.close(); // a failed constructor closes what it opened
      throw e;
    }
    this.reportProducer = publish ? p : null;
    this.baselines = new BaselineStore(s3);
    this.publish = publish;
  }

  public VigilConfig config() {
    return config;
  }

  public S3Client s3() {
    return s3;
  }

  public BaselineStore baselines() {
    return baselines;
  }

  /** A fetcher for flagged samples' records (close it when done). */
  public CaptureFetcher fetcher() {
    return new CaptureFetcher(s3, kafkaClientProperties(config.sinks().kafka()), codec);
  }

  /**
   * The monitor of one endpoint, its baseline read now.
   *
   * @throws IllegalArgumentException for an unknown endpoint (names the configured ones)
   * @throws IOException when the labels file cannot be read
   * @throws BaselineException when the configured baseline cannot be read
   */
  public WindowMonitor monitor(String endpointName) throws IOException, BaselineException {
    return monitor(endpointName, true);
  }

  /** As {@link #monitor(String)}; {@code withBaseline = false} ignores monitor.baseline (baseline runs). */
  public WindowMonitor monitor(String endpointName, boolean withBaseline) throws IOException, BaselineException {
    EndpointConfig e = endpoint(endpointName);
    MonitorConfig m = config.monitor();
    Baseline baseline = null;
    if (withBaseline && m.baseline() != null && !m.baseline().isBlank()) {
      baseline = baselines.read(baselineLocation(m.baseline(), e.name()));
    }
    ReportPublisher publisher = publish
        ? new ReportPublisher(s3, config.sinks().s3().bucket(), config.sinks().s3().prefix(), reportProducer, m.reportsTopic())
        : null;
    ModelSignals signals = probes == null ? null : new ModelSignals(probes.forEndpoint(e.name()),
        config.saliency().signals(), baseline == null ? null : baseline.signals());
    return new WindowMonitor(e.name(), e.variant(), outputSpec(e), source(e), constraints(m), baseline,
        m.flaggedSamplesPerViolation(), publisher, metrics, listeners, clock, labelSource(e.name()),
        m.groundTruth().maxDelay(), signals);
  }

  /**
   * Where an endpoint's ground-truth labels are read ({@code monitor.groundTruth}), or null when
   * its source is {@code none}.
   */
  public LabelSource labelSource(String endpointName) {
    GroundTruthConfig g = config.monitor().groundTruth();
    return switch (g.source()) {
      case NONE -> null;
      case S3 -> new S3LabelSource(s3, config.sinks().s3().bucket(), g.s3Prefix(endpointName));
      case KAFKA -> new KafkaLabelSource(kafkaClientProperties(config.sinks().kafka()), g.topic(endpointName),
          KAFKA_TIMEOUT);
    };
  }

  /**
   * A monitor for building a baseline: no baseline of its own, nothing published, reading from
   * {@code sourceOrNull} (e.g. a {@link dev.vigil.monitor.window.FileWindowSource}) or the configured source.
   */
  public WindowMonitor baselineMonitor(String endpointName, WindowSource sourceOrNull) throws IOException {
    EndpointConfig e = endpoint(endpointName);
    MonitorConfig m = config.monitor();
    // Labels join the baseline too: its accuracy and calibration are what windows are held to.
    return new WindowMonitor(e.name(), e.variant(), outputSpec(e), sourceOrNull == null ? source(e) : sourceOrNull,
        constraints(m), null, m.flaggedSamplesPerViolation(), null, null, List.of(), clock, labelSource(e.name()),
        m.groundTruth().maxDelay(),
        probes == null ? null : new ModelSignals(probes.forEndpoint(e.name()), config.saliency().signals(), null));
  }

  /**
   * A writer of an endpoint's labels to where {@link #labelSource} reads them.
   *
   * @throws IllegalStateException when {@code monitor.groundTruth.source} is {@code none} (the
   *     message says what to set)
   */
  public GroundTruthWriter labelWriter(String endpointName) {
    GroundTruthConfig g = config.monitor().groundTruth();
    return switch (g.source()) {
      case NONE -> throw new IllegalStateException("monitor.groundTruth.source is none: set it to s3 or kafka"
          + " so the monitor reads the labels you push");
      case S3 -> GroundTruthWriter.s3(s3, config.sinks().s3().bucket(), g.s3Prefix(endpointName), clock);
      case KAFKA -> GroundTruthWriter.kafka(kafkaClientProperties(config.sinks().kafka()), g.topic(endpointName));
    };
  }

  /** The codec shared by this runtime's readers. */
  public CaptureRecordCodec codec() {
    return codec;
  }

  /** {@code {endpoint}} in monitor.baseline is replaced by the endpoint name. */
  public static String baselineLocation(String configured, String endpoint) {
    return configured.replace("{endpoint}", endpoint);
  }

  EndpointConfig endpoint(String name) {
    return config.endpoint(name).orElseThrow(() -> new IllegalArgumentException(
        "no endpoint named '" + name + "' in the config; configured: "
            + config.endpoints().stream().map(EndpointConfig::name).toList()));
  }

  /**
   * Where an endpoint's captures are read from (monitor.source), for tools that read records
   * themselves ({@code vigil inspect}).
   *
   * @throws IllegalArgumentException for an unknown endpoint
   */
  public WindowSource windowSource(String endpointName) {
    return source(endpoint(endpointName));
  }

  WindowSource source(EndpointConfig e) {
    MonitorConfig m = config.monitor();
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    if (m.source() == MonitorSource.KAFKA) {
      return new KafkaWindowSource(kafkaClientProperties(config.sinks().kafka()), config.kafkaTopic(e), e.variant(),
          KAFKA_GRACE, KAFKA_TIMEOUT, threads);
    }
    S3SinkConfig s = config.sinks().s3();
    return new S3WindowSource(s3, s.bucket(), s.prefix(), e.name(), e.variant(),
        s.objectMaxAge().plus(S3_LOOKBACK_SLACK), threads);
  }

  /** The output spec of an endpoint, its labels file read. */
  public static OutputSpec outputSpec(EndpointConfig e) throws IOException {
    Labels labels;
    try {
      labels = e.labels() == null ? Labels.none() : Labels.read(e.labels());
    } catch (IllegalArgumentException bad) {
      throw new IOException(bad.getMessage(), bad); // the monitor reports unreadable inputs as I/O
    }
    return new OutputSpec(e.output().format(), e.output().pointer(),
        e.output().softmax(), labels);
  }

  /** {@code monitor.*} limits as constraints (used when no baseline is configured). */
  public static Constraints constraints(MonitorConfig m) {
    return new Constraints(m.minRecords(), m.lowConfidenceThreshold(), m.thresholds().classShareMax(), Map.of(),
        m.thresholds().drift().method(), m.thresholds().drift().limit(),
        m.thresholds().lowConfidenceShareMax(), m.thresholds().confidenceDropMax(), m.thresholds().unusableShareMax())
        .withQuality(m.thresholds().accuracyDropMax(), m.thresholds().classRecallDropMax(),
            m.thresholds().estimatedAccuracyDropMax(), m.groundTruth().minLabels());
  }

  /** An S3 client for {@code sinks.s3}: endpoint override, path style, static keys or the default chain. */
  public static S3Client s3Client(S3SinkConfig s) {
    S3ClientBuilder b = S3Client.builder().region(Region.of(s.region())).forcePathStyle(s.pathStyle());
    if (s.endpointOverride() != null) {
      b.endpointOverride(s.endpointOverride());
    }
    b.credentialsProvider(s.hasStaticCredentials()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKeyId().reveal(), s.secretAccessKey().reveal()))
        : DefaultCredentialsProvider.builder().build());
    return b.build();
  }

  /**
   * Client properties for reading and publishing: {@code bootstrap.servers} plus the security
   * settings of {@code sinks.kafka.producer} ({@code security.*}, {@code sasl.*}, {@code ssl.*});
   * producer-only keys are left out so consumers do not warn about them.
   */
  public static Properties kafkaClientProperties(KafkaSinkConfig k) {
    Properties p = new Properties();
    k.producer().forEach((key, value) -> {
      if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
        p.put(key, value);
      }
    });
    p.put("bootstrap.servers", k.bootstrapServers());
    return p;
  }

  @Override
  public void close() {
    if (reportProducer != null) {
      reportProducer.close(Duration.ofSeconds(10));
    }
    s3.close();
  }
}
