package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets never show up in toString, printed configs or problem messages. */
class SecretsTest {
  private static final Map<String, String> ENV = Map.of(
      "AWS_SECRET_ACCESS_KEY", "aws-secret-value-1",
      "SMTP_PASSWORD", "smtp-secret-value-2",
      "JDBC_PASSWORD", "jdbc-secret-value-3",
      "KAFKA_PASSWORD", "kafka-secret-value-4",
      "METRICS_TOKEN", "metrics-secret-value-7");

  private static final String YAML = """
      endpoints: [{name: traffic-signs}]
      sinks:
        kafka:
          producer:
            sasl.jaas.config: 'ScramLoginModule required username="u" password="${KAFKA_PASSWORD}";'
            ssl.key.password: kafka-secret-value-5
            ssl.keystore.key: kafka-secret-value-6
            acks: all
        s3: {accessKeyId: AKIAEXAMPLE, secretAccessKey: '${AWS_SECRET_ACCESS_KEY}'}
      agent:
        admin: {metricsToken: '${METRICS_TOKEN}'}
      monitor:
        jobStore: {type: jdbc, jdbcUrl: 'jdbc:postgresql://db/vigil', user: vigil, password: '${JDBC_PASSWORD}'}
        admin: {metricsToken: monitor-secret-value-8}
      alerts:
        smtp: {tls: starttls, user: alerts, password: '${SMTP_PASSWORD}'}
        webhook: {url: 'https://hooks.example.com/x', secret: webhook-secret-value-9}
      """;

  private static final List<String> SECRETS = List.of("AKIAEXAMPLE", "aws-secret-value-1", "smtp-secret-value-2",
      "jdbc-secret-value-3", "kafka-secret-value-4", "kafka-secret-value-5", "kafka-secret-value-6",
      "metrics-secret-value-7", "monitor-secret-value-8", "webhook-secret-value-9");

  @Test
  void secretToStringIsMasked() {
    assertThat(Secret.of("hunter2")).hasToString("******");
    assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    assertThat(Secret.of("")).hasToString("");
    assertThat(Secret.of(null).isEmpty()).isTrue();
  }

  @Test
  void secretsAreReadInClearForTheClientsThatNeedThem() {
    VigilConfig c = ConfigLoader.parse(YAML, ENV);
    assertThat(c.sinks().s3().secretAccessKey().reveal()).isEqualTo("aws-secret-value-1");
    assertThat(c.alerts().smtp().password().reveal()).isEqualTo("smtp-secret-value-2");
    assertThat(c.monitor().jobStore().password().reveal()).isEqualTo("jdbc-secret-value-3");
    assertThat(c.agent().admin().resolveMetricsToken().reveal()).isEqualTo("metrics-secret-value-7");
    assertThat(c.monitor().admin().metricsToken().reveal()).isEqualTo("monitor-secret-value-8");
    assertThat(c.alerts().webhook().secret().reveal()).isEqualTo("webhook-secret-value-9");
    assertThat(c.sinks().kafka().producerProperties().getProperty("sasl.jaas.config")).contains("kafka-secret-value-4");
  }

  @Test
  void recordToStringMasksEverySecret() {
    String text = ConfigLoader.parse(YAML, ENV).toString();
    assertThat(text).contains("acks=all", "user=alerts");
    SECRETS.forEach(s -> assertThat(text).doesNotContain(s));
  }

  @Test
  void printedConfigMasksEverySecret() {
    String yaml = ConfigPrinter.toYaml(ConfigLoader.parse(YAML, ENV));
    assertThat(yaml).contains("secretAccessKey: '******'", "password: '******'", "sasl.jaas.config: '******'",
        "ssl.key.password: '******'", "ssl.keystore.key: '******'", "acks: all");
    SECRETS.forEach(s -> assertThat(yaml).doesNotContain(s));
  }

  @Test
  void problemMessagesNeverEchoASecret() {
    String yaml = YAML.replace("jdbcUrl: 'jdbc:postgresql://db/vigil'", "jdbcUrl: 'postgresql://db'")
        + "saliency: {device: gpu}\n";
    List<String> problems = Yaml.problems(yaml.replace("ssl.key.password: kafka-secret-value-5",
        "ssl.key.password: [kafka-secret-value-5]"), ENV);
    assertThat(problems).hasSize(3);
    String all = String.join("\n", problems);
    assertThat(all).contains("value not shown: it is a secret");
    SECRETS.forEach(s -> assertThat(all).doesNotContain(s));
  }

  @Test
  void webhookTokenAndJdbcUrlPasswordAreMasked() {
    VigilConfig c = Yaml.load("""
        endpoints: [{name: a}]
        monitor: {jobStore: {type: jdbc, jdbcUrl: 'jdbc:postgresql://db/vigil?user=v&password=pg-secret-7'}}
        alerts: {webhook: {url: 'https://hooks.example.com/services/T000/hook-secret-8'}}
        """);
    assertThat(c.alerts().webhook().url().toString()).endsWith("hook-secret-8");
    String printed = ConfigPrinter.toYaml(c) + c;
    assertThat(printed).contains("url: https://hooks.example.com/******",
        "jdbcUrl: jdbc:postgresql://db/vigil?user=v&password=******").doesNotContain("pg-secret-7", "hook-secret-8");
  }

  @Test
  void aSecretGivenAsAListIsReportedWithoutItsValue() {
    assertThat(Yaml.problems("endpoints: [{name: a}]\nalerts: {smtp: {password: [hunter2]}}"))
        .containsExactly("alerts.smtp.password: must be a single text value, got a list (value not shown: it is a"
            + " secret)");
  }

  @Test
  void secretLookingProducerKeysAreRecognised() {
    assertThat(List.of("sasl.jaas.config", "ssl.key.password", "ssl.keystore.password", "ssl.keystore.key",
        "sasl.oauthbearer.client.credentials.client.secret", "sasl.login.token"))
        .allMatch(KafkaSinkConfig::isSecretProperty);
    assertThat(List.of("acks", "linger.ms", "security.protocol", "ssl.truststore.location", "key.serializer"))
        .noneMatch(KafkaSinkConfig::isSecretProperty);
  }
}
