package dev.vigil.agent;

import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.agent.EndpointSettings;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.config.ConfigException;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.KafkaSinkConfig;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.config.VigilConfig;
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
    return new AgentSettings(endpoints, kafka, s3, a.listen().host(), a.listen().port(), a.admin().host(),
        a.admin().port(), a.bufferBytes(), a.spool().directory(), a.spool().maxBytes(), a.shutdownGrace(),
        a.upstreamTimeout(), 0, blankToNull(a.admin().resolveMetricsToken().reveal()));
  }

  private static String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static CaptureMode mode(dev.vigil.config.CaptureMode m) {
    return switch (m) {
      case INPUT -> CaptureMode.Input;
      case OUTPUT -> CaptureMode.Output;
      case INPUT_AND_OUTPUT -> CaptureMode.InputAndOutput;
    };
  }
}
