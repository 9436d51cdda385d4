package dev.vigil.capture.format;

import java.util.Objects;

/**
 * One ground-truth label in SageMaker Model Monitor's format, one JSON object per line:
 * <pre>
 * {"groundTruthData":{"data":"14","encoding":"CSV"},"eventMetadata":{"eventId":"aaaa-bbbb"},"eventVersion":"0"}
 * </pre>
 * As in SageMaker, {@code eventMetadata.eventId} holds the capture's inference id when the caller
 * gave one ({@code X-Inference-Id}), else the capture's eventId. {@link GroundTruthCodec} writes
 * and reads it.
 *
 * @param id the inference id or eventId of the labelled prediction
 * @param data the label as written: a class index ({@code "14"}) or a label text ({@code "Stop"})
 * @param encoding {@code CSV} or {@code JSON} (SageMaker's encodings for ground truth)
 * @param eventVersion {@code "0"}
 */
public record GroundTruthRecord(String id, String data, String encoding, String eventVersion) {
  public static final String CSV = "CSV";
  public static final String JSON = "JSON";

  public GroundTruthRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
    encoding = encoding == null ? CSV : encoding;
    eventVersion = eventVersion == null ? CaptureRecord.EVENT_VERSION : eventVersion;
  }

  /** A CSV-encoded label, as {@code vigil labels push} writes it. */
  public static GroundTruthRecord csv(String id, String label) {
    return new GroundTruthRecord(id, label, CSV, CaptureRecord.EVENT_VERSION);
  }

  /**
   * The label text: CSV data is its first field, trimmed, without surrounding double quotes (a
   * one-column CSV row); JSON data is a JSON string or number.
   */
  public String label() {
    String d = data.strip();
    if (encoding.equals(JSON)) {
      if (d.length() >= 2 && d.charAt(0) == '"' && d.charAt(d.length() - 1) == '"') {
        return d.substring(1, d.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      return d;
    }
    int comma = d.indexOf(',');
    String first = (comma < 0 ? d : d.substring(0, comma)).strip();
    if (first.length() >= 2 && first.charAt(0) == '"' && first.charAt(first.length() - 1) == '"') {
      first = first.substring(1, first.length() - 1).replace("\"\"", "\"");
    }
    return first;
  }
}
