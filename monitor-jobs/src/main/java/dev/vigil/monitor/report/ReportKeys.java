package dev.vigil.monitor.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where a window's report lives in S3: {@code PREFIX/reports/ENDPOINT/yyyy/MM/dd/HH/START_END/},
 * all derived from the window, so rerunning a window replaces its files instead of adding more.
 */
public final class ReportKeys {
  public static final String REPORT = "report.json";
  public static final String CONSTRAINT_VIOLATIONS = "constraint_violations.json";
  public static final String CLASS_DISTRIBUTION_PNG = "class_distribution.png";
  public static final String CONFIDENCE_HISTOGRAM_PNG = "confidence_histogram.png";
  public static final String CLASS_SHARE_HISTORY_PNG = "class_share_history.png";
  /** Written only for windows with labelled predictions. */
  public static final String CONFUSION_MATRIX_PNG = "confusion_matrix.png";
  /** Written when the report has model-side signals with a baseline to compare with. */
  public static final String INPUT_EMBEDDINGS_PNG = "input_embeddings.png";

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter COMPACT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private ReportKeys() {}

  /** The report folder of a window, ending in '/'. */
  public static String directory(String prefix, String endpoint, Instant start, Instant end) {
    return endpointDirectory(prefix, endpoint) + HOUR.format(start) + "/"
        + COMPACT.format(start) + "_" + COMPACT.format(end) + "/";
  }

  /** The folder holding every window folder of an endpoint, ending in '/' (the console lists it). */
  public static String endpointDirectory(String prefix, String endpoint) {
    String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    return (p.isEmpty() ? "" : p + "/") + "reports/" + endpoint + "/";
  }
}
