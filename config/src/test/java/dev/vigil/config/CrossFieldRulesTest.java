package dev.vigil.config;

import static dev.vigil.config.Yaml.ENDPOINT;
import static dev.vigil.config.Yaml.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One test per rule that relates two or more keys (all live in ConfigRules). */
class CrossFieldRulesTest {
  @Test
  void pointerFormatNeedsAPointer() {
    assertOnlyProblem("endpoints: [{name: traffic-signs, output: {format: pointer}}]",
        "endpoints[0].output.pointer: is required when output.format is pointer; e.g. pointer: /predictions/0");
  }

  @Test
  void pointerIsOnlyUsedWithPointerFormat() {
    assertOnlyProblem("endpoints: [{name: traffic-signs, output: {pointer: /scores}}]",
        "endpoints[0].output.pointer: is only used when output.format is pointer, got format 'auto';"
            + " remove it or set format: pointer");
  }

  @Test
  void pointerFormatWithPointerIsFine() {
    VigilConfig c = Yaml.load("endpoints: [{name: traffic-signs, output: {format: pointer, pointer: /scores}}]");
    assertThat(c.endpoints().get(0).output().pointer()).isEqualTo("/scores");
  }

  @Test
  void aRejectedFormatDoesNotStartASecondComplaintAboutThePointer() {
    assertOnlyProblem("endpoints: [{name: traffic-signs, output: {format: pointr, pointer: /scores}}]",
        "endpoints[0].output.format: must be one of auto, probabilities, predictions, kserve-v2, top-k, pointer,"
            + " class-index, got 'pointr'; did you mean 'pointer'?");
  }

  @Test
  void endpointNamesMustBeUnique() {
    assertOnlyProblem("""
        endpoints:
          - {name: traffic-signs, route: {pathPrefix: /a}}
          - {name: traffic-signs, route: {pathPrefix: /b}}
        """,
        "endpoints[1].name: duplicate endpoint name 'traffic-signs' (also endpoints[0].name); endpoint names must"
            + " be unique");
  }

  @Test
  void endpointsNeedDistinctRoutes() {
    assertOnlyProblem("endpoints: [{name: a}, {name: b}]",
        "endpoints[1].route: same pathPrefix '/' and host as endpoints[0].route, so the agent could not tell them"
            + " apart; give each endpoint its own pathPrefix or host");
  }

  @Test
  void captureLimitMustFitTheAgentBuffer() {
    assertOnlyProblem("endpoints: [{name: a, capture: {maxBodyBytes: 128MB}}]",
        "endpoints[0].capture.maxBodyBytes: must not exceed agent.bufferBytes (64MB), got 128MB; one capture must"
            + " fit the buffer");
  }

  @Test
  void jdbcJobStoreNeedsAJdbcUrl() {
    assertOnlyProblem(ENDPOINT + "monitor: {jobStore: {type: jdbc}}",
        "monitor.jobStore.jdbcUrl: is required when monitor.jobStore.type is jdbc; e.g."
            + " jdbc:postgresql://db:5432/vigil");
  }

  @Test
  void jdbcUrlMustBeAJdbcUrl() {
    assertOnlyProblem(ENDPOINT + "monitor: {jobStore: {type: jdbc, jdbcUrl: 'postgresql://db/vigil'}}",
        "monitor.jobStore.jdbcUrl: must start with 'jdbc:', got 'postgresql://db/vigil'; e.g."
            + " jdbc:postgresql://db:5432/vigil");
  }

  @Test
  void jdbcUrlWithMemoryStoreIsAMistake() {
    assertOnlyProblem(ENDPOINT + "monitor: {jobStore: {jdbcUrl: 'jdbc:postgresql://db/vigil'}}",
        "monitor.jobStore.jdbcUrl: is only used when monitor.jobStore.type is jdbc, got type 'memory'; set type:"
            + " jdbc or remove jdbcUrl");
  }

  @Test
  void enabledKafkaSinkNeedsBootstrapServers() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {bootstrapServers: ''}}",
        "sinks.kafka.bootstrapServers: is required when sinks.kafka.enabled is true; e.g. 127.0.0.1:9092, or set"
            + " enabled: false");
  }

  @Test
  void disabledKafkaSinkNeedsNoBootstrapServers() {
    VigilConfig c = Yaml.load(ENDPOINT + "sinks: {kafka: {enabled: false, bootstrapServers: ''}}");
    assertThat(c.sinks().kafka().enabled()).isFalse();
  }

  @Test
  void enabledS3SinkNeedsABucket() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {bucket: ''}}",
        "sinks.s3.bucket: is required when sinks.s3.enabled is true; e.g. vigil, or set enabled: false");
  }

  @Test
  void s3KeysComeInPairs() {
    assertOnlyProblem(ENDPOINT + "sinks: {s3: {accessKeyId: AKIAEXAMPLE}}",
        "sinks.s3.secretAccessKey: is empty while sinks.s3.accessKeyId is set; set both, or neither to use the"
            + " default AWS credential chain");
  }

  @Test
  void atLeastOneSinkMustBeEnabled() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {enabled: false}, s3: {enabled: false}}",
        "sinks: both sinks.kafka and sinks.s3 are disabled, so captures would go nowhere; enable at least one");
  }

  @Test
  void kafkaSourceNeedsTheKafkaSink() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {enabled: false}}\nmonitor: {source: kafka}",
        "monitor.source: is kafka but sinks.kafka.enabled is false; enable the Kafka sink or use source: s3");
  }

  @Test
  void s3SourceMayReadCapturesTheAgentDoesNotWrite() {
    VigilConfig c = Yaml.load(ENDPOINT + "sinks: {s3: {enabled: false, bucket: sagemaker-captures}}");
    assertThat(c.monitor().source()).isEqualTo(MonitorSource.S3);
    assertThat(c.sinks().s3().bucket()).isEqualTo("sagemaker-captures");
  }

  @Test
  void cudaDeviceIsAccepted() {
    assertThat(Yaml.load(ENDPOINT + "saliency: {device: cuda}").saliency().device()).isEqualTo(Device.CUDA);
  }

  @Test
  void windowStartMustBeBeforeItsEnd() {
    assertOnlyProblem(ENDPOINT + "monitor: {window: {start: -PT1H, end: -PT2H}}",
        "monitor.window: start (-1h) must be before end (-2h); e.g. start: -PT1H, end: -PT0H");
  }

  @Test
  void agentPortsMustDiffer() {
    assertOnlyProblem(ENDPOINT + "agent: {listen: {port: 9000}, admin: {port: 9000}}",
        "agent.admin.port: must differ from agent.listen.port (9000), got 9000");
  }

  @Test
  void monitorAdminPortMustNotClashWithTheAgent() {
    assertOnlyProblem(ENDPOINT + "monitor: {admin: {port: 8082}}",
        "monitor.admin.port: must differ from agent.listen.port and agent.admin.port (they may run on one host),"
            + " got 8082");
  }

  @Test
  void producerMustNotSetWhatVigilSets() {
    assertOnlyProblem(ENDPOINT + "sinks: {kafka: {producer: {bootstrap.servers: 'k:9092'}}}",
        "sinks.kafka.producer[bootstrap.servers]: is set by Vigil; set sinks.kafka.bootstrapServers instead");
  }

  @Test
  void endpointRecipientsMustNameAConfiguredEndpoint() {
    assertOnlyProblem(ENDPOINT + "alerts: {endpointRecipients: {trafic-signs: [a@example.com]}}",
        "alerts.endpointRecipients.trafic-signs: names no configured endpoint; did you mean 'traffic-signs'?");
  }

  @Test
  void severityRecipientsNameAKnownSeverity() {
    assertOnlyProblem(ENDPOINT + "alerts: {severityRecipients: {info: [a@example.com]}}",
        "alerts.severityRecipients.info: unknown severity; must be one of critical, warning");
  }

  @Test
  void recipientsForMergesCommonEndpointAndSeverityAddresses() {
    VigilConfig c = Yaml.load(ENDPOINT + """
        alerts:
          recipients: [ops@example.com]
          endpointRecipients: {traffic-signs: [signs@example.com, ops@example.com]}
          severityRecipients: {critical: [pager@example.com]}
        """);
    assertThat(c.alerts().recipientsFor("traffic-signs", "critical"))
        .containsExactly("ops@example.com", "signs@example.com", "pager@example.com");
    assertThat(c.alerts().recipientsFor("other", "warning")).containsExactly("ops@example.com");
  }
}
