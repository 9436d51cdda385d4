package dev.vigil.pipeline.replay;

import java.io.IOException;

/**
 * Where replay files go: a window's report folder on local disk or in S3. Names are relative
 * ({@code saliency/index.json}); the sink decides the root.
 */
public interface ArtifactSink {
  /**
   * Stores one file, replacing an older one of the same name.
   *
   * @throws IOException naming the destination when it cannot be written
   */
  void put(String name, byte[] bytes, String contentType) throws IOException;

  /** Where the files end up, for logs ({@code /var/vigil/reports/...}, {@code s3://b/k/}). */
  String location();
}
