package dev.vigil.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The S3 sink ({@code sinks.s3}): captures batched into JSON Lines objects.
 *
 * @param enabled whether captures go to S3
 * @param bucket bucket name (S3 naming rules)
 * @param prefix key prefix without leading or trailing slash (may be empty)
 * @param region AWS region
 * @param endpointOverride S3-compatible server (S3Proxy, MinIO), {@code null} for AWS
 * @param pathStyle path-style addressing (needed by most S3-compatible servers)
 * @param accessKeyId static access key; empty means the default AWS credential chain
 * @param secretAccessKey static secret key; set together with {@code accessKeyId}
 * @param objectMaxBytes an object is closed when it reaches this size
 * @param objectMaxAge an object is closed when its first record is this old
 */
public record S3SinkConfig(
    boolean enabled,
    String bucket,
    String prefix,
    String region,
    URI endpointOverride,
    boolean pathStyle,
    Secret accessKeyId,
    Secret secretAccessKey,
    long objectMaxBytes,
    Duration objectMaxAge) {

  public S3SinkConfig {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(objectMaxAge, "objectMaxAge");
  }

  /** True when static keys are configured; false means use the default credential chain. */
  public boolean hasStaticCredentials() {
    return !accessKeyId.isEmpty();
  }
}
