package dev.vigil.pipeline.alert;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.AlertSection;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.classes.ClassScore;
import dev.vigil.monitor.chart.Charts;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.report.ReportKeys;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a monitoring report (monitor-jobs) into the alerts module's {@link AlertContent}. */
public final class ReportAdapter {
  private static final Logger log = LoggerFactory.getLogger(ReportAdapter.class);
  /** Top classes shown per flagged sample. */
  public static final int TOP_K = 5;

  private ReportAdapter() {}

  /**
   * The alert content of a report: violations, the class-distribution chart and confidence
   * histogram (rendered here), report.json, and the given heatmaps.
   *
   * @param report the window's report
   * @param reportLocation where report.json lives (see {@link #s3Location}), or null
   * @param heatmaps flagged samples with heatmaps (see {@link #heatmap}), most important first
   */
  public static AlertContent toContent(MonitorReport report, URI reportLocation, List<HeatmapItem> heatmaps) {
    List<ViolationLine> lines = new ArrayList<>();
    for (Violation v : report.violations()) {
      lines.add(line(v));
    }
    return new AlertContent(report.endpoint(), report.variant(), report.windowStart(), report.windowEnd(), lines,
        chart("class distribution", () -> Charts.classDistribution(report)),
        chart("confidence histogram", () -> Charts.confidenceHistogram(report)),
        SignalsSection.withNotes(heatmaps, report), ReportJson.toJson(report), reportLocation, report.backfill(),
        sections(report));
  }

  /** The alert's further sections: model quality (ground truth), then the model-side signals. */
  private static List<AlertSection> sections(MonitorReport report) {
    List<AlertSection> sections = new ArrayList<>();
    AlertSection quality = QualitySection.of(report);
    if (quality != null) {
      sections.add(quality);
    }
    sections.addAll(SignalsSection.of(report));
    return sections;
  }

  /** One violation as a table line. Its dedup key is the check plus a stable subject. */
  public static ViolationLine line(Violation v) {
    // The class for a class-share violation; the feature otherwise (drift's classIndex is the
    // class that gained most, which changes from window to window and must not defeat the cool-down).
    String subject = v.type() == ViolationType.CLASS_SHARE_EXCEEDED && v.classIndex() != null
        ? v.classIndex().toString()
        : v.featureName();
    return new ViolationLine(v.type().code(), subject, v.description(), v.value(), v.limit(), v.baselineValue(),
        v.severity() == dev.vigil.monitor.check.Severity.CRITICAL ? Severity.CRITICAL : Severity.WARNING);
  }

  /**
   * A flagged sample with its rendered heatmap.
   *
   * @param overlayPng the FullGrad heatmap over the input (PNG)
   * @param inputPng the input as the model saw it (PNG), or null
   */
  public static HeatmapItem heatmap(FlaggedSample s, byte[] overlayPng, byte[] inputPng) {
    List<ClassScore> top = s.topK().subList(0, Math.min(TOP_K, s.topK().size()));
    return new HeatmapItem(s.eventId() == null ? "(no eventId)" : s.eventId(), s.predictedClass(), s.predictedLabel(),
        s.confidence() == null ? Double.NaN : s.confidence(), top, overlayPng, inputPng);
  }

  /**
   * Where monitor-jobs writes the window's report.json: {@code s3://BUCKET/PREFIX/reports/...}.
   *
   * @param bucket the S3 bucket ({@code sinks.s3.bucket}), or null when reports are not in S3
   */
  public static URI s3Location(String bucket, String prefix, MonitorReport report) {
    if (bucket == null || bucket.isBlank()) {
      return null;
    }
    String dir = ReportKeys.directory(prefix, report.endpoint(), report.windowStart(), report.windowEnd());
    return URI.create("s3://" + bucket + "/" + dir + ReportKeys.REPORT);
  }

  private static byte[] chart(String what, Supplier<byte[]> render) {
    try {
      return render.get();
    } catch (RuntimeException e) {
      log.warn("Could not render the {} chart ({}); the alert goes out without it", what, e.toString());
      return null;
    }
  }
}
