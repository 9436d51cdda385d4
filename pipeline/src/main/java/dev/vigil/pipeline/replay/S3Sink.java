package dev.vigil.pipeline.replay;

import dev.vigil.monitor.report.ReportKeys;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Writes replay files as S3 objects under {@code s3://bucket/folder}. */
public final class S3Sink implements ArtifactSink {
  private final S3Client s3;
  private final String bucket;
  private final String folder;

  /**
   * @param s3 client (not closed here)
   * @param bucket bucket name
   * @param folder key prefix; a trailing '/' is added when missing
   */
  public S3Sink(S3Client s3, String bucket, String folder) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    String f = Objects.requireNonNull(folder, "folder");
    this.folder = f.isEmpty() || f.endsWith("/") ? f : f + "/";
  }

  /**
   * The report folder of a monitoring window ({@link ReportKeys#directory}), so the heatmaps sit
   * next to {@code report.json}.
   */
  public static S3Sink reportFolder(
      S3Client s3, String bucket, String prefix, String endpoint, Instant start, Instant end) {
    return new S3Sink(s3, bucket, ReportKeys.directory(prefix, endpoint, start, end));
  }

  @Override
  public void put(String name, byte[] bytes, String contentType) throws IOException {
    String key = folder + name;
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw new IOException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String location() {
    return "s3://" + bucket + "/" + folder;
  }
}
