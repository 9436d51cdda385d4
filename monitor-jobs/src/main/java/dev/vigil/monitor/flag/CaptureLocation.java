package dev.vigil.monitor.flag;

import java.util.Objects;

/**
 * Where a captured record lives, so it can be fetched again (saliency replay, alert links):
 * either line {@code line} (1-based) of S3 object {@code bucket/key}, or offset {@code offset} of
 * Kafka {@code topic}-{@code partition}. One record type with a {@link Kind} (rather than a
 * sealed hierarchy) so that it reads and writes as flat JSON.
 *
 * @param kind S3 or KAFKA
 * @param bucket S3 bucket (S3 only)
 * @param key S3 object key (S3 only)
 * @param line 1-based line in the object (S3 only, else 0)
 * @param topic Kafka topic (Kafka only)
 * @param partition Kafka partition (Kafka only, else -1)
 * @param offset Kafka offset (Kafka only, else -1)
 */
public record CaptureLocation(
    Kind kind, String bucket, String key, long line, String topic, int partition, long offset) {

  /** The store a location points into. */
  public enum Kind {
    S3,
    KAFKA,
    /** A local JSON Lines file ({@code key} is its path); baselines built with {@code --from FILE}. */
    FILE
  }

  public CaptureLocation {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.S3 && (bucket == null || key == null || line < 1)) {
      throw new IllegalArgumentException("an S3 location needs bucket, key and a line >= 1");
    }
    if (kind == Kind.FILE && (key == null || line < 1)) {
      throw new IllegalArgumentException("a file location needs a path and a line >= 1");
    }
    if (kind == Kind.KAFKA && (topic == null || partition < 0 || offset < 0)) {
      throw new IllegalArgumentException("a Kafka location needs topic, partition >= 0 and offset >= 0");
    }
  }

  /** Line {@code line} (1-based) of {@code s3://bucket/key}. */
  public static CaptureLocation s3(String bucket, String key, long line) {
    return new CaptureLocation(Kind.S3, bucket, key, line, null, -1, -1);
  }

  /** Record at {@code offset} of {@code topic}-{@code partition}. */
  public static CaptureLocation kafka(String topic, int partition, long offset) {
    return new CaptureLocation(Kind.KAFKA, null, null, 0, topic, partition, offset);
  }

  /** Line {@code line} (1-based) of a local file. */
  public static CaptureLocation file(String path, long line) {
    return new CaptureLocation(Kind.FILE, null, path, line, null, -1, -1);
  }

  /** {@code s3://bucket/key#L12} or {@code kafka://topic/3@1234}: stable, for logs and e-mails. */
  public String uri() {
    return switch (kind) {
      case S3 -> "s3://" + bucket + "/" + key + "#L" + line;
      case KAFKA -> "kafka://" + topic + "/" + partition + "@" + offset;
      case FILE -> "file:" + key + "#L" + line;
    };
  }

  /**
   * Reads back {@link #uri()}.
   *
   * @throws IllegalArgumentException saying which form was expected
   */
  public static CaptureLocation parse(String uri) {
    try {
      if (uri.startsWith("s3://")) {
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        int hash = rest.lastIndexOf("#L");
        return s3(rest.substring(0, slash), rest.substring(slash + 1, hash), Long.parseLong(rest.substring(hash + 2)));
      }
      if (uri.startsWith("file:")) {
        int hash = uri.lastIndexOf("#L");
        return file(uri.substring(5, hash), Long.parseLong(uri.substring(hash + 2)));
      }
      if (uri.startsWith("kafka://")) {
        String rest = uri.substring(8);
        int slash = rest.lastIndexOf('/');
        int at = rest.lastIndexOf('@');
        return kafka(rest.substring(0, slash), Integer.parseInt(rest.substring(slash + 1, at)),
            Long.parseLong(rest.substring(at + 1)));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "capture location '" + uri + "' is malformed: use s3://BUCKET/KEY#LINE or kafka://TOPIC/PARTITION@OFFSET", e);
    }
    throw new IllegalArgumentException(
        "capture location '" + uri + "' is neither s3://BUCKET/KEY#LINE nor kafka://TOPIC/PARTITION@OFFSET");
  }

  @Override
  public String toString() {
    return uri();
  }
}
