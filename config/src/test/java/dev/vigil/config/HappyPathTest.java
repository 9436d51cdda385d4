package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HappyPathTest {
  @Test
  void minimalFileGetsEveryDefaultOfTheSchema() {
    VigilConfig c = ConfigLoader.parse("endpoints:\n  - name: traffic-signs\n", Map.of());

    EndpointConfig e = c.endpoint("traffic-signs").orElseThrow();
    assertThat(e.variant()).isEqualTo("default");
    assertThat(e.upstream()).isNull();
    assertThat(e.route().pathPrefix()).isEqualTo("/");
    assertThat(e.sampling().percent()).isEqualTo(100.0);
    assertThat(e.sampling().requestIdHeader()).isEqualTo("X-Request-Id");
    assertThat(e.capture().mode()).isEqualTo(CaptureMode.INPUT_AND_OUTPUT);
    assertThat(e.capture().textContentTypes()).containsExactly("application/json", "text/csv", "text/plain");
    assertThat(e.capture().maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(e.capture().captureUpstreamErrors()).isTrue();
    assertThat(e.output().format()).isEqualTo(OutputFormat.AUTO);
    assertThat(e.preprocessing().width()).isEqualTo(224);
    assertThat(e.preprocessing().meanArray()).containsExactly(0.485f, 0.456f, 0.406f);

    assertThat(c.sinks().kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.sinks().kafka().compression()).isEqualTo(Compression.ZSTD);
    assertThat(c.kafkaTopic(e)).isEqualTo("vigil.capture.traffic-signs");
    assertThat(c.sinks().s3().bucket()).isEqualTo("vigil");
    assertThat(c.sinks().s3().objectMaxBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(c.sinks().s3().objectMaxAge()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.sinks().s3().hasStaticCredentials()).isFalse();
    assertThat(c.agent().listen().port()).isEqualTo(8081);
    assertThat(c.agent().bufferBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.monitor().cronExpression()).isEqualTo("0 0 * * * ?");
    assertThat(c.monitor().window().start()).isEqualTo(Duration.ofHours(-1));
    assertThat(c.monitor().window().end()).isEqualTo(Duration.ZERO);
    assertThat(c.monitor().thresholds().drift().method()).isEqualTo(DriftMethod.LINF);
    assertThat(c.monitor().jobStore().type()).isEqualTo(JobStoreType.MEMORY);
    assertThat(c.saliency().device()).isEqualTo(Device.CPU);
    assertThat(c.alerts().smtp().port()).isEqualTo(25);
    assertThat(c.alerts().coolDown()).isEqualTo(Duration.ofHours(6));
    assertThat(c.alerts().webhook().enabled()).isFalse();
  }

  @Test
  void readsTheValuesWritten() {
    VigilConfig c = ConfigLoader.parse("""
        endpoints:
          - name: traffic-signs
            upstream: http://127.0.0.1:8080
            sampling: {percent: 12.5}
            capture: {mode: Input, maxBodyBytes: 512KB}
        sinks:
          s3: {endpointOverride: http://127.0.0.1:9000, pathStyle: true}
        """, Map.of());
    EndpointConfig e = c.endpoints().get(0);
    assertThat(e.upstream()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(e.sampling().percent()).isEqualTo(12.5);
    assertThat(e.capture().mode()).isEqualTo(CaptureMode.INPUT);
    assertThat(e.capture().maxBodyBytes()).isEqualTo(512L * 1024);
    assertThat(c.sinks().s3().endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(c.sinks().s3().pathStyle()).isTrue();
  }
}
