package dev.vigil.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Ground-truth labels in SageMaker's format ({@code monitor.groundTruth}), joined to captures by
 * inference id or eventId.
 *
 * @param source where labels are read from; {@code none} by default
 * @param s3Prefix key prefix of label objects in {@code sinks.s3.bucket}, {@code {endpoint}} for
 *     the endpoint name; objects go under {@code PREFIX/yyyy/MM/dd/HH/} by write time
 * @param topic Kafka topic of labels, {@code {endpoint}} for the endpoint name
 * @param maxDelay labels written up to this long after a window's end count for it; the window is
 *     re-evaluated while they arrive
 * @param minLabels fewer labelled predictions leave accuracy_drop and class_recall_drop unjudged
 */
public record GroundTruthConfig(GroundTruthSource source, String s3Prefix, String topic, Duration maxDelay,
    long minLabels) {
  public static final String DEFAULT_S3_PREFIX = "ground-truth/{endpoint}";
  public static final String DEFAULT_TOPIC = "vigil.ground-truth.{endpoint}";

  public GroundTruthConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(s3Prefix, "s3Prefix");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(maxDelay, "maxDelay");
  }

  /** The S3 prefix of an endpoint's labels. */
  public String s3Prefix(String endpoint) {
    return s3Prefix.replace(KafkaSinkConfig.ENDPOINT_PLACEHOLDER, endpoint);
  }

  /** The Kafka topic of an endpoint's labels. */
  public String topic(String endpoint) {
    return topic.replace(KafkaSinkConfig.ENDPOINT_PLACEHOLDER, endpoint);
  }
}
