package dev.vigil.monitor.truth;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.GroundTruthCodec;
import dev.vigil.capture.format.JsonLines;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.window.WindowReadException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Ground truth from S3 in SageMaker's layout, {@code PREFIX/yyyy/MM/dd/HH/<file>.jsonl} where the
 * hour is when the labels were written ({@link CaptureLayout#objectKey(String, Instant,
 * java.util.UUID)}). Lists the hour prefixes of the range, keeps objects whose key time is in it
 * (objects without a time in their name, written by other tools, are placed by their hour
 * folder), and reads them one after the other in key order, i.e. in write order, so a corrected
 * label written later replaces the earlier one. Label objects are small; nothing is streamed in
 * parallel.
 */
public final class S3LabelSource implements LabelSource {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final GroundTruthCodec codec = new GroundTruthCodec();

  /** @param prefix the endpoint's ground-truth prefix ({@code monitor.groundTruth.s3Prefix}, endpoint filled in) */
  public S3LabelSource(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public GroundTruth read(Instant from, Instant to, Labels labels) throws WindowReadException {
    GroundTruth truth = new GroundTruth(labels);
    if (!to.isAfter(from)) {
      return truth;
    }
    List<String> keys = new ArrayList<>();
    try {
      for (String hour : CaptureLayout.hourPrefixes(prefix, from, to)) {
        ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(hour).build();
        for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
          Instant t = CaptureLayout.keyTime(o.key());
          if (t == null || (!t.isBefore(from) && t.isBefore(to))) {
            keys.add(o.key());
          }
        }
      }
    } catch (SdkException e) {
      throw new WindowReadException("cannot list ground truth under s3://" + bucket + "/" + prefix + ": "
          + e.getMessage() + " (check sinks.s3 and monitor.groundTruth.s3Prefix)", e);
    }
    keys.sort(null); // hour folders, then key time: write order
    for (String key : keys) {
      try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
        JsonLines.forEachLine(in, (buf, off, len, line) -> {
          try {
            truth.add(codec.read(buf, off, len));
          } catch (MalformedCaptureException e) {
            truth.malformed("s3://" + bucket + "/" + key + " line " + line + ": " + e.getMessage());
          }
        });
      } catch (IOException | SdkException e) {
        throw new WindowReadException("cannot read ground truth s3://" + bucket + "/" + key + ": " + e.getMessage()
            + " (the window is re-evaluated once S3 is reachable)", e);
      }
    }
    return truth;
  }
}
