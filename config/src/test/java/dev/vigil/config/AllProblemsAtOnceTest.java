package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AllProblemsAtOnceTest {
  @Test
  void oneLoadReportsEveryProblemInEverySection() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
        endpoints:
          - name: traffic-signs
            samplng: {percent: 10}
            sampling: {percent: 150}
            output: {format: pointer}
          - name: traffic-signs
            route: {pathPrefix: /other}
        sinks:
          s3: {bucket: Bad_Bucket, secretAccessKey: '${AWS_SECRET_ACCESS_KEY}'}
        monitor: {schedule: weekly, jobStore: {type: jdbc}}
        saliency: {device: tpu, batchSize: 0}
        alerts: {smtp: {tls: ssl}, coolDown: soon}
        """, Map.of()));

    assertThat(e.problems()).containsExactly(
        "sinks.s3.secretAccessKey: environment variable AWS_SECRET_ACCESS_KEY is not set; export it or write"
            + " ${AWS_SECRET_ACCESS_KEY:-default}",
        "endpoints[0].sampling.percent: must be between 0 and 100, got 150",
        "endpoints[0].samplng: unknown key; did you mean 'sampling'?",
        "monitor.schedule: must be hourly, daily, 'every N hours' or a Quartz cron expression (6 or 7 fields,"
            + " e.g. '0 0 * * * ?'), got 'weekly'",
        "saliency.device: must be one of cpu, cuda, got 'tpu'",
        "saliency.batchSize: must be between 1 and 1024, got 0",
        "alerts.smtp.tls: must be one of none, starttls, implicit, got 'ssl'",
        "alerts.coolDown: must be a duration like 60s, 5m, 6h or PT60S, got 'soon'",
        "endpoints[0].output.pointer: is required when output.format is pointer; e.g. pointer: /predictions/0",
        "endpoints[1].name: duplicate endpoint name 'traffic-signs' (also endpoints[0].name); endpoint names must"
            + " be unique",
        "sinks.s3.bucket: must be lowercase letters, digits, '.' and '-', starting and ending with a letter or"
            + " digit, got 'Bad_Bucket'",
        "monitor.jobStore.jdbcUrl: is required when monitor.jobStore.type is jdbc; e.g."
            + " jdbc:postgresql://db:5432/vigil");
    assertThat(e.getMessage()).startsWith("12 configuration problems:\n  - sinks.s3.secretAccessKey: ");
  }
}
