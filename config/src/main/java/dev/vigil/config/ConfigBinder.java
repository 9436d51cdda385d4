package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the YAML tree to the records, one method per section. Every default of the schema
 * lives here, once; field-level checks (ranges, syntax) happen as values are read, the
 * cross-field rules afterwards in {@link ConfigRules}.
 */
final class ConfigBinder {
  static final long KB = 1024;
  static final long MB = 1024 * KB;
  static final long GB = 1024 * MB;

  private ConfigBinder() {}

  static VigilConfig bind(Mapping root) {
    List<EndpointConfig> endpoints = endpoints(root);
    SinksConfig sinks = sinks(root.mapping("sinks"));
    AgentConfig agent = agent(root.mapping("agent"));
    MonitorConfig monitor = monitor(root.mapping("monitor"));
    SaliencyConfig saliency = saliency(root.mapping("saliency"));
    AlertsConfig alerts = alerts(root.mapping("alerts"));
    ConsoleConfig console = console(root.mapping("console"));
    root.finish();
    return new VigilConfig(endpoints, sinks, agent, monitor, saliency, alerts, console);
  }

  private static List<EndpointConfig> endpoints(Mapping root) {
    List<JsonNode> items = root.list("endpoints");
    List<EndpointConfig> out = new ArrayList<>();
    if (items == null || (items.isEmpty() && root.raw("endpoints") != null && root.raw("endpoints").isArray())) {
      root.problems().add("endpoints", "is required; list at least one endpoint, e.g. endpoints: [{name: my-model,"
          + " upstream: http://127.0.0.1:8080}]");
      return out;
    }
    for (int i = 0; i < items.size(); i++) {
      out.add(endpoint(Mapping.of(items.get(i), "endpoints[" + i + "]", root.problems())));
    }
    return out;
  }

  static EndpointConfig endpoint(Mapping m) {
    String name = m.requiredText("name", "name the endpoint, e.g. name: traffic-signs");
    Checks.endpointName(m, "name", name);
    String variant = m.text("variant", "default");
    Checks.variant(m, "variant", variant);
    URI upstream = Checks.url(m, "upstream", m.optionalText("upstream"), false);

    Mapping r = m.mapping("route");
    String pathPrefix = r.text("pathPrefix", "/");
    if (!pathPrefix.startsWith("/")) {
      r.problems().add(r.path("pathPrefix"), "must start with '/', got '" + pathPrefix + "'");
    }
    RouteConfig route = new RouteConfig(pathPrefix, r.optionalText("host"));
    r.finish();

    Mapping s = m.mapping("sampling");
    SamplingConfig sampling =
        new SamplingConfig(s.number("percent", 100, 0, 100), s.text("requestIdHeader", "X-Request-Id"));
    Checks.headerName(s, "requestIdHeader", sampling.requestIdHeader());
    s.finish();

    Mapping c = m.mapping("capture");
    CaptureMode mode = c.choice("mode", CaptureMode.INPUT_AND_OUTPUT, CaptureMode.class);
    List<String> textTypes =
        c.textList("textContentTypes", List.of("application/json", "text/csv", "text/plain"));
    Checks.contentTypes(c, "textContentTypes", textTypes);
    String inferenceIdHeader = c.text("inferenceIdHeader", "X-Inference-Id");
    Checks.headerName(c, "inferenceIdHeader", inferenceIdHeader);
    long maxBodyBytes = c.size("maxBodyBytes", "10MB", 1, GB);
    List<String> redact = c.textList("redact", List.of());
    for (int i = 0; i < redact.size(); i++) {
      Checks.jsonPointer(c.problems(), c.path("redact") + "[" + i + "]", redact.get(i), false);
    }
    CaptureConfig capture = new CaptureConfig(mode, textTypes, inferenceIdHeader, maxBodyBytes, redact,
        c.bool("captureUpstreamErrors", true));
    c.finish();

    String kafkaTopic = m.optionalText("kafkaTopic");
    if (kafkaTopic != null) {
      Checks.topic(m.problems(), m.path("kafkaTopic"), kafkaTopic);
    }

    Mapping o = m.mapping("output");
    OutputFormat format = o.choice("format", OutputFormat.AUTO, OutputFormat.class);
    String pointer = o.optionalText("pointer");
    if (pointer != null) {
      Checks.jsonPointer(o.problems(), o.path("pointer"), pointer, true);
    }
    OutputConfig output = new OutputConfig(format, pointer, o.bool("softmax", false));
    o.finish();

    Path labels = Checks.path(m, "labels", m.optionalText("labels"));

    Mapping p = m.mapping("preprocessing");
    PreprocessingConfig preprocessing = new PreprocessingConfig(
        p.integer("width", 224, 1, 8192),
        p.integer("height", 224, 1, 8192),
        p.choice("resize", ResizeMode.STRETCH, ResizeMode.class),
        p.choice("channelOrder", ChannelOrder.RGB, ChannelOrder.class),
        Checks.positive(p, "scale", p.number("scale", 255.0, -Double.MAX_VALUE, Double.MAX_VALUE), 255.0),
        Checks.channels(p, "mean", p.numberList("mean", List.of(0.485, 0.456, 0.406)), false),
        Checks.channels(p, "std", p.numberList("std", List.of(0.229, 0.224, 0.225)), true));
    p.finish();
    m.finish();
    return new EndpointConfig(name, variant, upstream, route, sampling, capture, kafkaTopic, output, labels,
        preprocessing);
  }

  static SinksConfig sinks(Mapping m) {
    Mapping k = m.mapping("kafka");
    boolean kafkaEnabled = k.bool("enabled", true);
    String bootstrap = k.text("bootstrapServers", "127.0.0.1:9092");
    Checks.bootstrapServers(k, "bootstrapServers", bootstrap);
    String topic = k.text("topic", "vigil.capture.{endpoint}");
    Checks.topic(k.problems(), k.path("topic"), topic);
    Compression compression = k.choice("compression", Compression.ZSTD, Compression.class);
    Map<String, String> producer = producer(k.mapping("producer"));
    KafkaSinkConfig kafka = new KafkaSinkConfig(kafkaEnabled, bootstrap, topic, compression, producer);
    k.finish();

    Mapping s = m.mapping("s3");
    boolean s3Enabled = s.bool("enabled", true);
    String bucket = s.text("bucket", "vigil");
    String prefix = s.text("prefix", "capture");
    Checks.prefix(s, "prefix", prefix);
    String region = s.text("region", "us-east-1");
    if (region.isBlank()) {
      s.problems().add(s.path("region"), "must not be empty; write the bucket's region, e.g. us-east-1");
    }
    URI endpointOverride = Checks.url(s, "endpointOverride", s.optionalText("endpointOverride"), true);
    boolean pathStyle = s.bool("pathStyle", false);
    Secret accessKeyId = s.secret("accessKeyId");
    Secret secretAccessKey = s.secret("secretAccessKey");
    long objectMaxBytes = s.size("objectMaxBytes", "8MB", KB, 5 * GB);
    Duration objectMaxAge = s.duration("objectMaxAge", "60s", Duration.ofSeconds(1), Duration.ofHours(24));
    S3SinkConfig s3 = new S3SinkConfig(s3Enabled, bucket, prefix, region, endpointOverride, pathStyle,
        accessKeyId, secretAccessKey, objectMaxBytes, objectMaxAge);
    s.finish();
    m.finish();
    return new SinksConfig(kafka, s3);
  }

  private static Map<String, String> producer(Mapping m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.entries().forEach((key, value) -> {
      String at = m.path(key);
      if (value == null || value.isNull()) {
        return;
      }
      if (!value.isValueNode()) {
        String shown = KafkaSinkConfig.isSecretProperty(key) ? Mapping.kind(value) + " (value not shown: it is a secret)"
            : Mapping.describe(value);
        m.problems().add(at, "must be a single value (producer properties are flat key: value pairs), got " + shown);
        return;
      }
      out.put(key, value.asText());
    });
    m.finish();
    return out;
  }

  static AgentConfig agent(Mapping m) {
    ListenAddress listen = listen(m.mapping("listen"), "0.0.0.0", 8081);
    AdminConfig admin = admin(m.mapping("admin"), "agent.admin", 8082);
    long bufferBytes = m.size("bufferBytes", "64MB", MB, 64 * GB);
    Mapping sp = m.mapping("spool");
    Path dir = Checks.path(sp, "directory", sp.text("directory", "./vigil-data/spool"));
    SpoolConfig spool = new SpoolConfig(dir == null ? Path.of("./vigil-data/spool") : dir,
        sp.size("maxBytes", "1GB", 0, Long.MAX_VALUE));
    sp.finish();
    Duration grace = m.duration("shutdownGrace", "20s", Duration.ZERO, Duration.ofMinutes(10));
    Duration timeout = m.duration("upstreamTimeout", "30s", Duration.ofMillis(1), Duration.ofHours(1));
    List<RedactionKeyConfig> keys = redactionKeys(m.mapping("redaction"));
    m.finish();
    return new AgentConfig(listen, admin, bufferBytes, spool, grace, timeout, keys);
  }

  /** {@code agent.redaction.keys}: newest first; ids unique; exactly one of secret and secretFile. */
  static List<RedactionKeyConfig> redactionKeys(Mapping r) {
    List<JsonNode> items = r.list("keys");
    r.finish();
    List<RedactionKeyConfig> out = new ArrayList<>();
    if (items == null) {
      return out;
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Mapping k = Mapping.of(items.get(i), r.path("keys") + "[" + i + "]", r.problems());
      String id = k.requiredText("id", "e.g. id: 2026-12 (stored with each hash, so rotated keys stay verifiable)");
      if (!id.isEmpty() && !id.matches("[A-Za-z0-9._-]{1,64}")) {
        k.problems().add(k.path("id"), "must be 1-64 of A-Z a-z 0-9 . _ -, got '" + id + "'");
      } else if (!id.isEmpty() && !ids.add(id)) {
        k.problems().add(k.path("id"), "duplicate key id '" + id + "'; each key needs its own id");
      }
      Secret secret = k.secret("secret");
      Path file = k.optionalText("secretFile") == null ? null : Checks.path(k, "secretFile", k.optionalText("secretFile"));
      if (secret.isEmpty() == (file == null)) {
        k.problems().add(k.path("secret"), "set exactly one of secret (e.g. ${VIGIL_REDACTION_SECRET}) and secretFile");
      } else if (!secret.isEmpty() && secret.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16) {
        k.problems().add(k.path("secret"), "must be at least 16 bytes (value not shown: it is a secret);"
            + " e.g. openssl rand -base64 32");
      }
      k.finish();
      out.add(new RedactionKeyConfig(id, secret, file));
    }
    return out;
  }

  static ListenAddress listen(Mapping m, String host, int port) {
    ListenAddress address = new ListenAddress(m.text("host", host), m.integer("port", port, 0, 65535));
    if (address.host().isBlank()) {
      m.problems().add(m.path("host"), "must not be empty; write 0.0.0.0 (all interfaces) or 127.0.0.1");
    }
    m.finish();
    return address;
  }

  /** An admin port: loopback unless the file says otherwise (manifests open it for probes and scrapes). */
  static AdminConfig admin(Mapping m, String key, int port) {
    String host = m.text("host", "127.0.0.1");
    if (host.isBlank()) {
      m.problems().add(m.path("host"), "must not be empty; write 127.0.0.1 (this machine only) or 0.0.0.0");
    }
    int p = m.integer("port", port, 0, 65535);
    Secret token = m.secret("metricsToken");
    Path tokenFile = Checks.path(m, "metricsTokenFile", m.optionalText("metricsTokenFile"));
    if (!token.isEmpty() && tokenFile != null) {
      m.problems().add(m.path("metricsTokenFile"), "set either metricsToken or metricsTokenFile, not both");
    }
    m.finish();
    return new AdminConfig(key, host, p, token, tokenFile);
  }

  static MonitorConfig monitor(Mapping m) {
    String schedule = m.text("schedule", "hourly");
    String scheduleProblem = Schedules.problem(schedule);
    if (scheduleProblem != null) {
      m.problems().add(m.path("schedule"), scheduleProblem);
      schedule = "hourly";
    }
    Mapping w = m.mapping("window");
    WindowConfig window = new WindowConfig(w.duration("start", "-PT1H", null, null), w.duration("end", "-PT0H", null, null));
    w.finish();
    MonitorSource source = m.choice("source", MonitorSource.S3, MonitorSource.class);
    int minRecords = m.integer("minRecords", 100, 0, Integer.MAX_VALUE);
    double lowConfidence = m.number("lowConfidenceThreshold", 0.5, 0, 1);

    Mapping t = m.mapping("thresholds");
    double classShareMax = t.number("classShareMax", 0.5, 0, 1);
    Mapping d = t.mapping("drift");
    DriftConfig drift = new DriftConfig(d.choice("method", DriftMethod.LINF, DriftMethod.class),
        d.number("limit", 0.1, 0, Double.MAX_VALUE));
    d.finish();
    ThresholdsConfig thresholds = new ThresholdsConfig(classShareMax, drift,
        t.number("lowConfidenceShareMax", 0.3, 0, 1),
        t.number("confidenceDropMax", 0.1, 0, 1),
        t.number("unusableShareMax", 0.05, 0, 1),
        t.number("accuracyDropMax", 0.1, 0, 1),
        t.number("classRecallDropMax", 0.2, 0, 1),
        t.number("estimatedAccuracyDropMax", 0.1, 0, 1));
    t.finish();

    int flagged = m.integer("flaggedSamplesPerViolation", 16, 0, 10_000);
    String baseline = m.optionalText("baseline");
    String reportsTopic = m.text("reportsTopic", "vigil.reports");
    Checks.topic(m.problems(), m.path("reportsTopic"), reportsTopic);
    AdminConfig admin = admin(m.mapping("admin"), "monitor.admin", 8083);

    Mapping j = m.mapping("jobStore");
    JobStoreConfig jobStore = new JobStoreConfig(
        j.choice("type", JobStoreType.MEMORY, JobStoreType.class),
        j.optionalText("jdbcUrl"),
        j.optionalText("user"),
        j.secret("password"),
        j.text("instanceId", "AUTO"),
        j.duration("clusterCheckin", "7500ms", Duration.ofMillis(500), Duration.ofMinutes(10)));
    j.finish();
    Mapping b = m.mapping("backfill");
    int backfillMaxWindows = b.integer("maxWindows", 24, 0, 10_000);
    b.finish();
    Mapping g = m.mapping("groundTruth");
    String gtPrefix = g.text("s3Prefix", GroundTruthConfig.DEFAULT_S3_PREFIX);
    Checks.prefix(g, "s3Prefix", gtPrefix);
    String gtTopic = g.text("topic", GroundTruthConfig.DEFAULT_TOPIC);
    Checks.topic(g.problems(), g.path("topic"), gtTopic);
    GroundTruthConfig groundTruth = new GroundTruthConfig(
        g.choice("source", GroundTruthSource.NONE, GroundTruthSource.class), gtPrefix, gtTopic,
        g.duration("maxDelay", "24h", Duration.ZERO, Duration.ofDays(7)),
        g.integer("minLabels", 30, 0, Integer.MAX_VALUE));
    g.finish();
    m.finish();
    return new MonitorConfig(schedule, window, source, minRecords, lowConfidence, thresholds, flagged, baseline,
        reportsTopic, admin, jobStore, backfillMaxWindows, groundTruth);
  }

  static SaliencyConfig saliency(Mapping m) {
    SaliencyConfig config = new SaliencyConfig(
        Checks.path(m, "model", m.optionalText("model")),
        m.choice("device", Device.CPU, Device.class),
        m.integer("batchSize", 16, 1, 1024),
        m.integer("samplesPerViolation", 8, 0, 1000),
        m.integer("intraOpThreads", 2, 1, 256),
        signals(m.mapping("signals")));
    m.finish();
    return config;
  }

  static SignalsConfig signals(Mapping m) {
    SignalsConfig d = SignalsConfig.defaults();
    String node = m.optionalText("embeddingNode");
    SignalsConfig config = new SignalsConfig(
        m.bool("enabled", d.enabled()),
        node == null || node.isBlank() ? null : node,
        m.integer("sampleSize", d.sampleSize(), 2, 100_000),
        m.choice("driftMethod", d.driftMethod(), InputDriftMethod.class),
        m.number("driftPValue", d.driftPValue(), 0, 1),
        m.integer("permutations", d.permutations(), 10, 100_000),
        m.integer("bitDepth", d.bitDepth(), 1, 8),
        m.number("falsePositiveRate", d.falsePositiveRate(), 0, 1),
        m.number("adversarialShareMax", d.adversarialShareMax(), 0, 1),
        m.integer("seed", (int) d.seed(), Integer.MIN_VALUE, Integer.MAX_VALUE));
    m.finish();
    return config;
  }

  static ConsoleConfig console(Mapping m) {
    String host = m.text("host", "127.0.0.1");
    if (host.isBlank()) {
      m.problems().add(m.path("host"), "must not be empty; write 127.0.0.1 (this machine only) or 0.0.0.0");
    }
    int port = m.integer("port", ConsoleConfig.DEFAULT_PORT, 0, 65535);
    Mapping a = m.mapping("auth");
    ConsoleConfig.Auth auth = new ConsoleConfig.Auth(
        a.choice("type", ConsoleAuthType.NONE, ConsoleAuthType.class),
        a.optionalText("user"),
        a.secret("password"),
        a.secret("token"));
    a.finish();
    m.finish();
    return new ConsoleConfig(host, port, auth);
  }

  static AlertsConfig alerts(Mapping m) {
    Mapping s = m.mapping("smtp");
    SmtpConfig smtp = new SmtpConfig(
        s.text("host", "127.0.0.1"),
        s.integer("port", 25, 1, 65535),
        s.choice("tls", SmtpTls.NONE, SmtpTls.class),
        s.text("user", ""),
        s.secret("password"),
        s.bool("allowPlaintextAuth", false));
    if (smtp.host().isBlank()) {
      s.problems().add(s.path("host"), "must not be empty; write the SMTP server's host name");
    }
    s.finish();
    String from = m.text("from", "vigil@localhost");
    Checks.email(m.problems(), m.path("from"), from);
    List<String> recipients = m.textList("recipients", List.of());
    Checks.emails(m.problems(), m.path("recipients"), recipients);
    Map<String, List<String>> byEndpoint = recipientMap(m.mapping("endpointRecipients"));
    Map<String, List<String>> bySeverity = recipientMap(m.mapping("severityRecipients"));
    Duration coolDown = m.duration("coolDown", "6h", Duration.ZERO, null);
    double worseMargin = m.number("worseMargin", 0.1, 0, Double.MAX_VALUE);
    long maxEmailBytes = m.size("maxEmailBytes", "10MB", 64 * KB, GB);
    Path outbox = Checks.path(m, "outbox", m.text("outbox", "./vigil-data/outbox"));
    Mapping w = m.mapping("webhook");
    WebhookConfig webhook = new WebhookConfig(Checks.sensitiveUrl(w, "url", w.optionalText("url")), w.secret("secret"));
    w.finish();
    m.finish();
    return new AlertsConfig(smtp, from, recipients, byEndpoint, bySeverity, coolDown, worseMargin, maxEmailBytes,
        outbox == null ? Path.of("./vigil-data/outbox") : outbox, webhook);
  }

  private static Map<String, List<String>> recipientMap(Mapping m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.entries().forEach((key, value) -> {
      if (value == null || value.isNull()) {
        return;
      }
      List<String> addresses = m.textList(value, m.path(key));
      Checks.emails(m.problems(), m.path(key), addresses);
      out.put(key, addresses);
    });
    m.finish();
    return out;
  }
}
