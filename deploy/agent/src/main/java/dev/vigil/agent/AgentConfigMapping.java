package dev.vigil.agent;

import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.agent.EndpointSettings;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.config.ConfigException;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.KafkaSinkConfig;
import dev.vigil.config.RedactionKeyConfig;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.config.VigilConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration's view of the capture agent: the agent module takes plain settings and knows
 * nothing of the YAML, so this is the one place where the two meet.
 */
public final class AgentConfigMapping {
  private AgentConfigMapping() {}

  /**
   * The agent's settings from a loaded configuration.
   *
   * @throws ConfigException when an endpoint has no upstream (required for the agent) or {@code
   *     agent.admin.metricsTokenFile} cannot be read
   */
  public static AgentSettings settings(VigilConfig c) {
    List<String> problems = new ArrayList<>();
    List<EndpointSettings> endpoints = new ArrayList<>();
    for (int i = 0; i < c.endpoints().size(); i++) {
      EndpointConfig e = c.endpoints().get(i);
      if (e.upstream() == null) {
        problems.add("endpoints[" + i + "].upstream: required by the agent; set the model server's base URL, e.g. http://127.0.0.1:8080");
        continue;
      }
      var cap = e.capture();
      endpoints.add(new EndpointSettings(
          e.name(), e.variant(), e.upstream(), e.route().pathPrefix(), e.route().host(),
          e.sampling().percent(), e.sampling().requestIdHeader(), mode(cap.mode()),
          cap.textContentTypes(), cap.inferenceIdHeader(), cap.maxBodyBytes(), cap.redact(),
          cap.captureUpstreamErrors(), e.kafkaTopic()));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    KafkaSinkConfig k = c.sinks().kafka();
    AgentSettings.KafkaSettings kafka = k.enabled()
        ? new AgentSettings.KafkaSettings(k.bootstrapServers(), k.topic(), k.compression().configName(),
            k.producer() == null ? Map.of() : k.producer())
        : null;
    S3SinkConfig s = c.sinks().s3();
    AgentSettings.S3Settings s3 = s.enabled()
        ? new AgentSettings.S3Settings(s.bucket(), s.prefix(), s.region(), s.endpointOverride(), s.pathStyle(),
            s.accessKeyId() == null ? null : s.accessKeyId().reveal(),
            s.secretAccessKey() == null ? null : s.secretAccessKey().reveal(),
            s.objectMaxBytes(), s.objectMaxAge())
        : null;
    var a = c.agent();
    List<Redactor.Key> keys = redactionKeys(a.redactionKeys());
    return new AgentSettings(endpoints, kafka, s3, a.listen().host(), a.listen().port(), a.admin().host(),
        a.admin().port(), a.bufferBytes(), a.spool().directory(), a.spool().maxBytes(), a.shutdownGrace(),
        a.upstreamTimeout(), 0, blankToNull(a.admin().resolveMetricsToken().reveal()), keys);
  }

  private static String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /**
   * The HMAC keys, each secret from the configuration (usually an environment variable) or read
   * from its file.
   *
   * @throws ConfigException naming the key when a file cannot be read or a secret is too short
   */
  static List<Redactor.Key> redactionKeys(List<RedactionKeyConfig> configured) {
    List<String> problems = new ArrayList<>();
    List<Redactor.Key> keys = new ArrayList<>();
    for (int i = 0; i < configured.size(); i++) {
      RedactionKeyConfig k = configured.get(i);
      String at = "agent.redaction.keys[" + i + "]";
      byte[] secret;
      if (k.secretFile() != null) {
        try {
          secret = stripTrailingLineBreaks(Files.readAllBytes(k.secretFile()));
        } catch (IOException e) {
          problems.add(at + ".secretFile: cannot read " + k.secretFile() + " (" + e.getClass().getSimpleName()
              + "); mount the secret there or set secret instead");
          continue;
        }
      } else {
        secret = k.secret().reveal().getBytes(StandardCharsets.UTF_8);
      }
      try {
        keys.add(new Redactor.Key(k.id(), secret));
      } catch (IllegalArgumentException e) {
        problems.add(at + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return keys;
  }

  private static byte[] stripTrailingLineBreaks(byte[] b) {
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    return java.util.Arrays.copyOf(b, n);
  }

  private static CaptureMode mode(dev.vigil.config.CaptureMode m) {
    return switch (m) {
      case INPUT -> CaptureMode.Input;
      case OUTPUT -> CaptureMode.Output;
      case INPUT_AND_OUTPUT -> CaptureMode.InputAndOutput;
    };
  }
}
