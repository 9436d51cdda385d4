package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPrinterTest {
  @Test
  void printsEveryDefault() {
    String yaml = ConfigPrinter.toYaml(Yaml.load("endpoints: [{name: traffic-signs}]"));
    assertThat(yaml).contains(
        "  - name: traffic-signs\n    variant: default\n",
        "      maxBodyBytes: 10MB\n",
        "      percent: 100\n",
        "      scale: 255\n",
        "    objectMaxAge: 1m\n",
        "  schedule: hourly\n",
        "    start: -1h\n",
        "    drift:\n      method: linf\n      limit: 0.1\n",
        "  jobStore:\n    type: memory\n",
        "  device: cpu\n",
        "  coolDown: 6h\n",
        "  webhook:\n    url: null\n");
  }

  @Test
  void printedConfigReadsBackToTheSameConfig() {
    VigilConfig original = Yaml.load("""
        endpoints:
          - name: traffic-signs
            variant: v1
            upstream: http://127.0.0.1:8080
            route: {pathPrefix: /predict, host: models.local}
            sampling: {percent: 12.5}
            capture: {mode: Output, maxBodyBytes: 1500, redact: [/a/b]}
            kafkaTopic: signs
            output: {format: pointer, pointer: /scores, softmax: true}
            labels: labels.txt
            preprocessing: {width: 32, height: 48, resize: center-crop, channelOrder: BGR, mean: [1, 2, 3]}
        sinks:
          kafka: {compression: lz4, producer: {acks: all, linger.ms: 5}}
          s3: {endpointOverride: 'http://127.0.0.1:9000', pathStyle: true, objectMaxAge: 90s}
        agent: {shutdownGrace: 250ms, spool: {maxBytes: 0}, redaction: {keys: [{id: k2, secretFile: /run/k2}, {id: k1, secretFile: /run/k1}]}}
        monitor:
          schedule: every 2 hours
          window: {start: -PT1H30M, end: -5m}
          source: kafka
          baseline: s3://vigil/baselines
          jobStore: {type: jdbc, jdbcUrl: 'jdbc:postgresql://db/vigil', user: vigil}
        saliency: {model: model.onnx, device: cuda}
        alerts:
          recipients: [a@example.com]
          endpointRecipients: {traffic-signs: [b@example.com]}
          severityRecipients: {critical: [c@example.com]}
          webhook: {url: 'https://hooks.example.com:8443'}
        """);

    VigilConfig reread = ConfigLoader.parse(ConfigPrinter.toYaml(original), Map.of());

    assertThat(reread).isEqualTo(original);
    assertThat(original.toYaml()).isEqualTo(ConfigPrinter.toYaml(original));
  }

  @Test
  void kafkaTopicPrefersTheEndpointsOwn() {
    VigilConfig c = Yaml.load("""
        endpoints: [{name: a, kafkaTopic: a-captures, route: {pathPrefix: /a}}, {name: b, route: {pathPrefix: /b}}]
        sinks: {kafka: {topic: 'cap.{endpoint}.v1'}}
        """);
    assertThat(c.kafkaTopic(c.endpoint("a").orElseThrow())).isEqualTo("a-captures");
    assertThat(c.kafkaTopic(c.endpoint("b").orElseThrow())).isEqualTo("cap.b.v1");
    assertThat(c.endpoint("c")).isEmpty();
  }
}
