package dev.vigil.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every rule that relates two or more keys, in one place. Runs after binding, on the
 * records; a rule stays quiet when a key it involves was already rejected.
 */
final class ConfigRules {
  /** Producer properties Vigil sets itself from other keys. */
  private static final Map<String, String> OWNED_PRODUCER_KEYS = Map.of(
      "bootstrap.servers", "sinks.kafka.bootstrapServers",
      "compression.type", "sinks.kafka.compression",
      "key.serializer", "nothing (Vigil writes byte arrays)",
      "value.serializer", "nothing (Vigil writes byte arrays)");

  private ConfigRules() {}

  static void check(VigilConfig c, Problems p) {
    endpoints(c, p);
    sinks(c, p);
    agent(c, p);
    monitor(c, p);
    alerts(c, p);
    console(c, p);
    signals(c, p);
  }

  /** Model-side signals read the saliency model. */
  private static void signals(VigilConfig c, Problems p) {
    if (!c.saliency().signals().enabled()) {
      return;
    }
    if (c.saliency().model() == null) {
      p.addIfClean("saliency.signals.enabled", "needs saliency.model: the signals run the model on captured inputs;"
          + " set saliency.model to the endpoint's ONNX file or set enabled: false", "saliency.model");
    }
  }

  private static void endpoints(VigilConfig c, Problems p) {
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> routes = new HashMap<>();
    for (int i = 0; i < c.endpoints().size(); i++) {
      EndpointConfig e = c.endpoints().get(i);
      String at = "endpoints[" + i + "]";
      Integer first = names.putIfAbsent(e.name(), i);
      if (first != null && !e.name().isEmpty()) {
        p.addIfClean(at + ".name", "duplicate endpoint name '" + e.name() + "' (also endpoints[" + first
            + "].name); endpoint names must be unique");
      }
      String route = e.route().pathPrefix() + " " + e.route().host();
      Integer sameRoute = routes.putIfAbsent(route, i);
      if (sameRoute != null) {
        p.addIfClean(at + ".route", "same pathPrefix '" + e.route().pathPrefix() + "' and host as endpoints["
            + sameRoute + "].route, so the agent could not tell them apart; give each endpoint its own"
            + " pathPrefix or host", at + ".route.pathPrefix", at + ".route.host");
      }
      OutputConfig o = e.output();
      if (o.format() == OutputFormat.POINTER && o.pointer() == null) {
        p.addIfClean(at + ".output.pointer", "is required when output.format is pointer; e.g. pointer:"
            + " /predictions/0", at + ".output.format");
      }
      if (o.format() != OutputFormat.POINTER && o.pointer() != null) {
        p.addIfClean(at + ".output.pointer", "is only used when output.format is pointer, got format '"
            + o.format().configName() + "'; remove it or set format: pointer", at + ".output.format");
      }
      if (e.capture().maxBodyBytes() > c.agent().bufferBytes()) {
        p.addIfClean(at + ".capture.maxBodyBytes", "must not exceed agent.bufferBytes ("
            + Units.formatSize(c.agent().bufferBytes()) + "), got " + Units.formatSize(e.capture().maxBodyBytes())
            + "; one capture must fit the buffer", "agent.bufferBytes");
      }
    }
  }

  private static void sinks(VigilConfig c, Problems p) {
    KafkaSinkConfig k = c.sinks().kafka();
    S3SinkConfig s = c.sinks().s3();
    if (!k.enabled() && !s.enabled()) {
      p.addIfClean("sinks", "both sinks.kafka and sinks.s3 are disabled, so captures would go nowhere; enable at"
          + " least one", "sinks.kafka.enabled", "sinks.s3.enabled");
    }
    if (k.enabled() && k.bootstrapServers().isBlank()) {
      p.addIfClean("sinks.kafka.bootstrapServers", "is required when sinks.kafka.enabled is true; e.g."
          + " 127.0.0.1:9092, or set enabled: false");
    }
    for (String key : k.producer().keySet()) {
      String owner = OWNED_PRODUCER_KEYS.get(key);
      if (owner != null) {
        p.add(pathOf("sinks.kafka.producer", key), "is set by Vigil; set " + owner + " instead");
      }
    }
    if (s.enabled() && s.bucket().isBlank()) {
      p.addIfClean("sinks.s3.bucket", "is required when sinks.s3.enabled is true; e.g. vigil, or set enabled:"
          + " false");
    } else if (!s.bucket().isBlank()) {
      String problem = Checks.bucketProblem(s.bucket());
      if (problem != null) {
        p.addIfClean("sinks.s3.bucket", problem);
      }
    }
    if (s.accessKeyId().isEmpty() != s.secretAccessKey().isEmpty()) {
      String set = s.accessKeyId().isEmpty() ? "secretAccessKey" : "accessKeyId";
      String missing = s.accessKeyId().isEmpty() ? "accessKeyId" : "secretAccessKey";
      p.addIfClean("sinks.s3." + missing, "is empty while sinks.s3." + set + " is set; set both, or neither to"
          + " use the default AWS credential chain", "sinks.s3.accessKeyId", "sinks.s3.secretAccessKey");
    }
  }

  private static void agent(VigilConfig c, Problems p) {
    ListenAddress listen = c.agent().listen();
    AdminConfig admin = c.agent().admin();
    if (listen.port() != 0 && listen.port() == admin.port()) {
      p.addIfClean("agent.admin.port", "must differ from agent.listen.port (" + listen.port() + "), got "
          + admin.port(), "agent.listen.port");
    }
    for (int i = 0; i < c.endpoints().size(); i++) {
      List<String> redact = c.endpoints().get(i).capture().redact();
      if (!redact.isEmpty() && c.agent().redactionKeys().isEmpty()) {
        String at = "endpoints[" + i + "].capture.redact";
        String[] involved = new String[redact.size() + 1];
        for (int j = 0; j < redact.size(); j++) {
          involved[j] = at + "[" + j + "]";
        }
        involved[redact.size()] = "agent.redaction.keys";
        p.addIfClean(at, "needs an HMAC secret to hash with: add agent.redaction.keys,"
            + " e.g. [{id: k1, secret: ${VIGIL_REDACTION_SECRET}}]", involved);
      }
    }
  }

  private static void monitor(VigilConfig c, Problems p) {
    MonitorConfig m = c.monitor();
    WindowConfig w = m.window();
    if (w.start().compareTo(w.end()) >= 0) {
      p.addIfClean("monitor.window", "start (" + Units.formatDuration(w.start()) + ") must be before end ("
          + Units.formatDuration(w.end()) + "); e.g. start: -PT1H, end: -PT0H",
          "monitor.window.start", "monitor.window.end");
    }
    if (m.source() == MonitorSource.KAFKA && !c.sinks().kafka().enabled()) {
      p.addIfClean("monitor.source", "is kafka but sinks.kafka.enabled is false; enable the Kafka sink or use"
          + " source: s3", "sinks.kafka.enabled");
    }
    // source: s3 with the S3 sink off is fine: the monitor may read captures someone else wrote
    // (SageMaker data capture) from sinks.s3's bucket and prefix.
    JobStoreConfig j = m.jobStore();
    if (j.type() == JobStoreType.JDBC && j.jdbcUrl() == null) {
      p.addIfClean("monitor.jobStore.jdbcUrl", "is required when monitor.jobStore.type is jdbc; e.g."
          + " jdbc:postgresql://db:5432/vigil", "monitor.jobStore.type");
    }
    if (j.jdbcUrl() != null && !j.jdbcUrl().startsWith("jdbc:")) {
      p.addIfClean("monitor.jobStore.jdbcUrl", "must start with 'jdbc:', got '" + j.jdbcUrl()
          + "'; e.g. jdbc:postgresql://db:5432/vigil");
    } else if (j.type() == JobStoreType.MEMORY && j.jdbcUrl() != null) {
      p.addIfClean("monitor.jobStore.jdbcUrl", "is only used when monitor.jobStore.type is jdbc, got type"
          + " 'memory'; set type: jdbc or remove jdbcUrl", "monitor.jobStore.type");
    }
    if (m.admin().port() != 0) {
      ListenAddress agentListen = c.agent().listen();
      AdminConfig agentAdmin = c.agent().admin();
      if (m.admin().port() == agentListen.port() || m.admin().port() == agentAdmin.port()) {
        p.addIfClean("monitor.admin.port", "must differ from agent.listen.port and agent.admin.port (they may run"
            + " on one host), got " + m.admin().port(), "agent.listen.port", "agent.admin.port");
      }
    }
  }

  private static void alerts(VigilConfig c, Problems p) {
    AlertsConfig a = c.alerts();
    SmtpConfig smtp = a.smtp();
    if (smtp.authenticates() && smtp.tls() == SmtpTls.NONE && !smtp.allowPlaintextAuth()) {
      p.addIfClean("alerts.smtp.tls", "is none while alerts.smtp.user is set: the password would cross the network in"
          + " clear text; set tls: starttls (port 587) or implicit (465), or allowPlaintextAuth: true for a server on a"
          + " trusted network", "alerts.smtp.user", "alerts.smtp.allowPlaintextAuth");
    }
    List<String> endpointNames = c.endpoints().stream().map(EndpointConfig::name).toList();
    for (String endpoint : a.endpointRecipients().keySet()) {
      if (!endpointNames.contains(endpoint)) {
        String guess = DidYouMean.closest(endpoint, endpointNames);
        p.add(pathOf("alerts.endpointRecipients", endpoint),
            "names no configured endpoint; "
            + (guess != null ? "did you mean '" + guess + "'?" : "configured: " + String.join(", ", endpointNames)));
      }
    }
    Set<String> severities = Set.copyOf(AlertsConfig.SEVERITIES);
    for (String severity : a.severityRecipients().keySet()) {
      if (!severities.contains(severity)) {
        p.add(pathOf("alerts.severityRecipients", severity), "unknown severity; must be one of "
            + String.join(", ", AlertsConfig.SEVERITIES));
      }
    }
  }

  private static void console(VigilConfig c, Problems p) {
    ConsoleConfig.Auth a = c.console().auth();
    String type = "console.auth.type";
    switch (a.type()) {
      case NONE -> {
        if (a.user() != null || !a.password().isEmpty() || !a.token().isEmpty()) {
          p.addIfClean(type, "is none while credentials are set under console.auth; set type: basic (user and"
              + " password) or type: bearer (token), or remove them", "console.auth.user",
              "console.auth.password", "console.auth.token");
        }
      }
      case BASIC -> {
        if (a.user() == null || a.password().isEmpty()) {
          p.addIfClean(a.user() == null ? "console.auth.user" : "console.auth.password",
              "is required when console.auth.type is basic; set both user and password (e.g. password:"
              + " ${CONSOLE_PASSWORD})", type);
        }
        if (a.user() != null && a.user().contains(":")) {
          p.addIfClean("console.auth.user", "must not contain ':' (HTTP Basic separates user and password with it)");
        }
        if (!a.token().isEmpty()) {
          p.addIfClean("console.auth.token", "is only used when console.auth.type is bearer; remove it", type);
        }
      }
      case BEARER -> {
        if (a.token().isEmpty()) {
          p.addIfClean("console.auth.token", "is required when console.auth.type is bearer; e.g. token:"
              + " ${CONSOLE_TOKEN}", type);
        }
        if (a.user() != null || !a.password().isEmpty()) {
          p.addIfClean("console.auth.user", "user and password are only used when console.auth.type is basic;"
              + " remove them", type);
        }
      }
      default -> throw new IllegalStateException("unknown console.auth.type " + a.type());
    }
  }

  private static String pathOf(String parent, String key) {
    return Mapping.childPath(parent, key);
  }
}
