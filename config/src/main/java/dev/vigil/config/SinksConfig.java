package dev.vigil.config;

import java.util.Objects;

/**
 * Where the agent writes captures ({@code sinks}); at least one sink is enabled.
 *
 * @param kafka one Kafka record per capture
 * @param s3 JSON Lines objects under {@code s3://bucket/prefix/endpoint/variant/yyyy/MM/dd/HH/}
 */
public record SinksConfig(KafkaSinkConfig kafka, S3SinkConfig s3) {
  public SinksConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(s3, "s3");
  }
}
