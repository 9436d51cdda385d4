package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped examples load, and say what their comments promise. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("examples");

  static final Map<String, String> PRODUCTION_ENV = Map.ofEntries(
      Map.entry("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9093,kafka-2:9093"),
      Map.entry("KAFKA_USER", "vigil"),
      Map.entry("KAFKA_PASSWORD", "kafka-pw"),
      Map.entry("S3_BUCKET", "acme-vigil"),
      Map.entry("JDBC_URL", "jdbc:postgresql://db:5432/vigil"),
      Map.entry("JDBC_USER", "vigil"),
      Map.entry("JDBC_PASSWORD", "jdbc-pw"),
      Map.entry("SMTP_HOST", "smtp.example.com"),
      Map.entry("SMTP_USER", "vigil"),
      Map.entry("SMTP_PASSWORD", "smtp-pw"),
      Map.entry("ALERT_RECIPIENTS", "ml-oncall@example.com,ops@example.com"),
      Map.entry("VIGIL_METRICS_TOKEN", "metrics-token"));

  @Test
  void localExampleMatchesTheEmbeddedStack() {
    VigilConfig c = ConfigLoader.load(EXAMPLES.resolve("local.yaml"), Map.of());

    EndpointConfig e = c.endpoint("traffic-signs").orElseThrow();
    assertThat(e.upstream()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(c.sinks().kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.sinks().s3().endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(c.sinks().s3().pathStyle()).isTrue();
    assertThat(c.sinks().s3().bucket()).isEqualTo("vigil");
    assertThat(c.sinks().s3().accessKeyId().reveal()).isEqualTo("vigil");
    assertThat(c.sinks().s3().secretAccessKey().reveal()).isEqualTo("vigil-local-secret");
    assertThat(c.alerts().smtp().host()).isEqualTo("127.0.0.1");
    assertThat(c.alerts().smtp().port()).isEqualTo(2525);
    assertThat(c.alerts().smtp().tls()).isEqualTo(SmtpTls.NONE);
    assertThat(c.alerts().smtp().authenticates()).isFalse();
    assertThat(c.monitor().jobStore().type()).isEqualTo(JobStoreType.MEMORY);
  }

  @Test
  void productionExampleLoadsWithItsEnvironment() {
    VigilConfig c = ConfigLoader.load(EXAMPLES.resolve("production.yaml"), PRODUCTION_ENV);

    assertThat(c.endpoints().get(0).sampling().percent()).isEqualTo(10.0);
    assertThat(c.endpoints().get(0).output().format()).isEqualTo(OutputFormat.KSERVE_V2);
    assertThat(c.sinks().kafka().producer()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(c.sinks().kafka().producerProperties().getProperty("sasl.jaas.config"))
        .contains("password=\"kafka-pw\"");
    assertThat(c.sinks().s3().bucket()).isEqualTo("acme-vigil");
    assertThat(c.sinks().s3().hasStaticCredentials()).isFalse();
    assertThat(c.monitor().cronExpression()).isEqualTo("0 5 * * * ?");
    assertThat(c.monitor().window().start()).isEqualTo(Duration.ofMinutes(-65));
    assertThat(c.monitor().baseline()).isEqualTo("s3://acme-vigil/baselines/traffic-signs");
    assertThat(c.monitor().jobStore().type()).isEqualTo(JobStoreType.JDBC);
    assertThat(c.monitor().jobStore().password().reveal()).isEqualTo("jdbc-pw");
    assertThat(c.saliency().device()).isEqualTo(Device.CUDA);
    assertThat(c.alerts().smtp().tls()).isEqualTo(SmtpTls.STARTTLS);
    assertThat(c.alerts().recipients()).containsExactly("ml-oncall@example.com", "ops@example.com");
    assertThat(c.alerts().webhook().enabled()).isFalse();
    assertThat(c.agent().admin().metricsToken().reveal()).isEqualTo("metrics-token");
    assertThat(c.monitor().admin().metricsToken().reveal()).isEqualTo("metrics-token");
  }

  @Test
  void productionExampleNamesEveryMissingVariable() {
    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
            () -> ConfigLoader.load(EXAMPLES.resolve("production.yaml"), Map.of())).problems())
        .contains("monitor.jobStore.password: environment variable JDBC_PASSWORD is not set; export it or write"
            + " ${JDBC_PASSWORD:-default}")
        .allMatch(p -> p.contains("environment variable"));
  }
}
