package dev.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the effective configuration (every default filled in) as YAML that
 * {@link ConfigLoader} reads back. Secrets, and producer properties that look secret, are
 * shown as {@value Secret#MASK}; unset secrets as an empty string. A {@code password=} in the
 * JDBC URL and the path of the webhook URL (where chat webhooks keep their token) are masked too.
 */
public final class ConfigPrinter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build();

  private ConfigPrinter() {}

  /** {@code config} as YAML, secrets masked. */
  public static String toYaml(VigilConfig config) {
    ObjectNode root = F.objectNode();
    ArrayNode endpoints = root.putArray("endpoints");
    config.endpoints().forEach(e -> endpoints.add(endpoint(e)));
    root.set("sinks", sinks(config.sinks()));
    root.set("agent", agent(config.agent()));
    root.set("monitor", monitor(config.monitor()));
    root.set("saliency", saliency(config.saliency()));
    root.set("alerts", alerts(config.alerts()));
    root.set("console", console(config.console()));
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Producer properties with secret-looking values masked, in their order. */
  static Map<String, String> maskedProducer(Map<String, String> producer) {
    Map<String, String> out = new LinkedHashMap<>();
    producer.forEach((k, v) -> out.put(k, KafkaSinkConfig.isSecretProperty(k) ? Secret.MASK : v));
    return out;
  }

  private static ObjectNode endpoint(EndpointConfig e) {
    ObjectNode n = F.objectNode();
    n.put("name", e.name());
    n.put("variant", e.variant());
    n.put("upstream", str(e.upstream()));
    ObjectNode route = n.putObject("route");
    route.put("pathPrefix", e.route().pathPrefix());
    route.put("host", e.route().host());
    ObjectNode sampling = n.putObject("sampling");
    sampling.set("percent", num(e.sampling().percent()));
    sampling.put("requestIdHeader", e.sampling().requestIdHeader());
    ObjectNode capture = n.putObject("capture");
    CaptureConfig c = e.capture();
    capture.put("mode", c.mode().configName());
    list(capture.putArray("textContentTypes"), c.textContentTypes());
    capture.put("inferenceIdHeader", c.inferenceIdHeader());
    capture.put("maxBodyBytes", Units.formatSize(c.maxBodyBytes()));
    list(capture.putArray("redact"), c.redact());
    capture.put("captureUpstreamErrors", c.captureUpstreamErrors());
    n.put("kafkaTopic", e.kafkaTopic());
    ObjectNode output = n.putObject("output");
    output.put("format", e.output().format().configName());
    output.put("pointer", e.output().pointer());
    output.put("softmax", e.output().softmax());
    n.put("labels", str(e.labels()));
    PreprocessingConfig p = e.preprocessing();
    ObjectNode pre = n.putObject("preprocessing");
    pre.put("width", p.width());
    pre.put("height", p.height());
    pre.put("resize", p.resize().configName());
    pre.put("channelOrder", p.channelOrder().configName());
    pre.set("scale", num(p.scale()));
    p.mean().forEach(pre.putArray("mean")::add);
    p.std().forEach(pre.putArray("std")::add);
    return n;
  }

  private static ObjectNode sinks(SinksConfig s) {
    ObjectNode n = F.objectNode();
    KafkaSinkConfig k = s.kafka();
    ObjectNode kafka = n.putObject("kafka");
    kafka.put("enabled", k.enabled());
    kafka.put("bootstrapServers", k.bootstrapServers());
    kafka.put("topic", k.topic());
    kafka.put("compression", k.compression().configName());
    ObjectNode producer = kafka.putObject("producer");
    maskedProducer(k.producer()).forEach(producer::put);
    S3SinkConfig s3 = s.s3();
    ObjectNode o = n.putObject("s3");
    o.put("enabled", s3.enabled());
    o.put("bucket", s3.bucket());
    o.put("prefix", s3.prefix());
    o.put("region", s3.region());
    o.put("endpointOverride", str(s3.endpointOverride()));
    o.put("pathStyle", s3.pathStyle());
    o.put("accessKeyId", s3.accessKeyId().toString());
    o.put("secretAccessKey", s3.secretAccessKey().toString());
    o.put("objectMaxBytes", Units.formatSize(s3.objectMaxBytes()));
    o.put("objectMaxAge", dur(s3.objectMaxAge()));
    return n;
  }

  private static ObjectNode agent(AgentConfig a) {
    ObjectNode n = F.objectNode();
    n.set("listen", address(a.listen()));
    n.set("admin", admin(a.admin()));
    n.put("bufferBytes", Units.formatSize(a.bufferBytes()));
    ObjectNode spool = n.putObject("spool");
    spool.put("directory", str(a.spool().directory()));
    spool.put("maxBytes", Units.formatSize(a.spool().maxBytes()));
    n.put("shutdownGrace", dur(a.shutdownGrace()));
    n.put("upstreamTimeout", dur(a.upstreamTimeout()));
    var keys = n.putObject("redaction").putArray("keys");
    for (RedactionKeyConfig k : a.redactionKeys()) {
      ObjectNode key = keys.addObject().put("id", k.id());
      if (k.secretFile() != null) {
        key.put("secretFile", str(k.secretFile()));
      } else {
        key.put("secret", k.secret().toString());
      }
    }
    return n;
  }

  private static ObjectNode monitor(MonitorConfig m) {
    ObjectNode n = F.objectNode();
    n.put("schedule", m.schedule());
    ObjectNode window = n.putObject("window");
    window.put("start", dur(m.window().start()));
    window.put("end", dur(m.window().end()));
    n.put("source", m.source().configName());
    n.put("minRecords", m.minRecords());
    n.set("lowConfidenceThreshold", num(m.lowConfidenceThreshold()));
    ThresholdsConfig t = m.thresholds();
    ObjectNode th = n.putObject("thresholds");
    th.set("classShareMax", num(t.classShareMax()));
    ObjectNode drift = th.putObject("drift");
    drift.put("method", t.drift().method().configName());
    drift.set("limit", num(t.drift().limit()));
    th.set("lowConfidenceShareMax", num(t.lowConfidenceShareMax()));
    th.set("confidenceDropMax", num(t.confidenceDropMax()));
    th.set("unusableShareMax", num(t.unusableShareMax()));
    th.set("accuracyDropMax", num(t.accuracyDropMax()));
    th.set("classRecallDropMax", num(t.classRecallDropMax()));
    th.set("estimatedAccuracyDropMax", num(t.estimatedAccuracyDropMax()));
    n.put("flaggedSamplesPerViolation", m.flaggedSamplesPerViolation());
    n.put("baseline", m.baseline());
    n.put("reportsTopic", m.reportsTopic());
    n.set("admin", admin(m.admin()));
    JobStoreConfig j = m.jobStore();
    ObjectNode js = n.putObject("jobStore");
    js.put("type", j.type().configName());
    js.put("jdbcUrl", Redaction.jdbcUrl(j.jdbcUrl()));
    js.put("user", j.user());
    js.put("password", j.password().toString());
    js.put("instanceId", j.instanceId());
    js.put("clusterCheckin", dur(j.clusterCheckin()));
    n.putObject("backfill").put("maxWindows", m.backfillMaxWindows());
    GroundTruthConfig g = m.groundTruth();
    ObjectNode gt = n.putObject("groundTruth");
    gt.put("source", g.source().configName());
    gt.put("s3Prefix", g.s3Prefix());
    gt.put("topic", g.topic());
    gt.put("maxDelay", dur(g.maxDelay()));
    gt.put("minLabels", g.minLabels());
    return n;
  }

  private static ObjectNode saliency(SaliencyConfig s) {
    ObjectNode n = F.objectNode();
    n.put("model", str(s.model()));
    n.put("device", s.device().configName());
    n.put("batchSize", s.batchSize());
    n.put("samplesPerViolation", s.samplesPerViolation());
    n.put("intraOpThreads", s.intraOpThreads());
    SignalsConfig g = s.signals();
    ObjectNode signals = n.putObject("signals");
    signals.put("enabled", g.enabled());
    signals.put("embeddingNode", g.embeddingNode());
    signals.put("sampleSize", g.sampleSize());
    signals.put("driftMethod", g.driftMethod().configName());
    signals.put("driftPValue", g.driftPValue());
    signals.put("permutations", g.permutations());
    signals.put("bitDepth", g.bitDepth());
    signals.put("falsePositiveRate", g.falsePositiveRate());
    signals.put("adversarialShareMax", g.adversarialShareMax());
    signals.put("seed", g.seed());
    return n;
  }

  private static ObjectNode alerts(AlertsConfig a) {
    ObjectNode n = F.objectNode();
    ObjectNode smtp = n.putObject("smtp");
    smtp.put("host", a.smtp().host());
    smtp.put("port", a.smtp().port());
    smtp.put("tls", a.smtp().tls().configName());
    smtp.put("user", a.smtp().user());
    smtp.put("password", a.smtp().password().toString());
    smtp.put("allowPlaintextAuth", a.smtp().allowPlaintextAuth());
    n.put("from", a.from());
    list(n.putArray("recipients"), a.recipients());
    ObjectNode byEndpoint = n.putObject("endpointRecipients");
    a.endpointRecipients().forEach((k, v) -> list(byEndpoint.putArray(k), v));
    ObjectNode bySeverity = n.putObject("severityRecipients");
    a.severityRecipients().forEach((k, v) -> list(bySeverity.putArray(k), v));
    n.put("coolDown", dur(a.coolDown()));
    n.set("worseMargin", num(a.worseMargin()));
    n.put("maxEmailBytes", Units.formatSize(a.maxEmailBytes()));
    n.put("outbox", str(a.outbox()));
    ObjectNode webhook = n.putObject("webhook");
    webhook.put("url", Redaction.webhook(a.webhook().url()));
    webhook.put("secret", a.webhook().secret().toString());
    return n;
  }

  private static ObjectNode console(ConsoleConfig c) {
    ObjectNode n = F.objectNode();
    n.put("host", c.host());
    n.put("port", c.port());
    ObjectNode auth = n.putObject("auth");
    auth.put("type", c.auth().type().configName());
    auth.put("user", c.auth().user());
    auth.put("password", c.auth().password().toString());
    auth.put("token", c.auth().token().toString());
    return n;
  }

  private static ObjectNode admin(AdminConfig a) {
    ObjectNode n = F.objectNode();
    n.put("host", a.host());
    n.put("port", a.port());
    n.put("metricsToken", a.metricsToken().toString());
    n.put("metricsTokenFile", str(a.metricsTokenFile()));
    return n;
  }

  private static ObjectNode address(ListenAddress a) {
    ObjectNode n = F.objectNode();
    n.put("host", a.host());
    n.put("port", a.port());
    return n;
  }

  private static void list(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static String str(URI uri) {
    return uri == null ? null : uri.toString();
  }

  private static String str(Path path) {
    return path == null ? null : path.toString();
  }

  /** Whole numbers without a trailing ".0" ({@code percent: 100}, {@code scale: 255}). */
  private static com.fasterxml.jackson.databind.JsonNode num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? F.numberNode((long) v) : F.numberNode(v);
  }

  private static String dur(Duration d) {
    return Units.formatDuration(d);
  }
}
