package dev.vigil.monitor.report;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.check.BaselineComparison;
import dev.vigil.monitor.check.CheckResult;
import dev.vigil.monitor.check.Checks;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.flag.FlagCollector;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.quality.QualityAccumulator;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import dev.vigil.monitor.stats.WindowStatistics;
import java.time.Instant;
import java.util.List;

/** Turns a finished window scan into a {@link MonitorReport}: a pure function, no I/O. */
public final class ReportBuilder {
  private ReportBuilder() {}

  /**
   * @param baselineOrNull the baseline's statistics, null without a baseline
   * @param constraints the limits (the baseline's constraints.json, else the config thresholds)
   */
  public static MonitorReport build(
      String endpoint, String variant, Instant windowStart, Instant windowEnd, Instant now,
      String source, String outputFormat, Labels labels, StatisticsAccumulator statistics,
      FlagCollector flags, WindowStatistics baselineOrNull, Constraints constraints) {
    return build(endpoint, variant, windowStart, windowEnd, now, source, outputFormat, labels, statistics, null, flags,
        baselineOrNull, constraints);
  }

  /** As above, with the window's ground-truth join and accuracy estimate ({@code qualityOrNull}). */
  public static MonitorReport build(
      String endpoint, String variant, Instant windowStart, Instant windowEnd, Instant now,
      String source, String outputFormat, Labels labels, StatisticsAccumulator statistics,
      QualityAccumulator qualityOrNull, FlagCollector flags, WindowStatistics baselineOrNull, Constraints constraints) {
    WindowStatistics w = statistics.snapshot(labels);
    if (qualityOrNull != null) {
      w = w.withGroundTruth(qualityOrNull.snapshot(labels, w.count()));
    }
    List<CheckResult> checks = Checks.evaluate(w, baselineOrNull, constraints);
    List<Violation> violations = Checks.violations(checks, w, constraints);
    BaselineComparison cmp = baselineOrNull == null ? null : Checks.compare(w, baselineOrNull);
    Integer driftClass = null;
    if (cmp != null && violations.stream().anyMatch(v -> v.type() == ViolationType.CLASS_DISTRIBUTION_DRIFT)) {
      BaselineComparison.ClassDelta most = cmp.mostIncreased();
      driftClass = most == null ? null : most.index();
    }
    List<FlaggedSample> samples = flags.samplesFor(violations, driftClass);
    return new MonitorReport(endpoint, variant, windowStart, windowEnd, now, source, outputFormat,
        w, baselineOrNull, cmp, constraints, List.copyOf(checks), List.copyOf(violations),
        List.copyOf(samples), w.completeness());
  }

  /**
   * {@code report} with an {@code incomplete_window} violation (a warning) leading it: the window
   * starts before the earliest retained record, so only {@code shareRead} of its time span could
   * be read and the rest of the report describes that part only.
   */
  public static MonitorReport incomplete(MonitorReport report, double shareRead, Instant earliestRetained) {
    String description = String.format(java.util.Locale.ROOT,
        "window starts before the earliest retained record (%s): only %.0f%% of it could be read;"
            + " the other checks judge that part only", earliestRetained, shareRead * 100);
    CheckResult check = new CheckResult(ViolationType.INCOMPLETE_WINDOW, "records",
        dev.vigil.monitor.check.CheckStatus.VIOLATED, shareRead, 1.0, null, description);
    Violation v = new Violation(ViolationType.INCOMPLETE_WINDOW, "records", null, shareRead, 1.0, null, description,
        dev.vigil.monitor.check.Severity.WARNING);
    List<CheckResult> checks = new java.util.ArrayList<>(report.checks());
    checks.add(0, check);
    List<Violation> violations = new java.util.ArrayList<>(report.violations());
    violations.add(0, v);
    return new MonitorReport(report.endpoint(), report.variant(), report.windowStart(), report.windowEnd(),
        report.generatedAt(), report.source(), report.outputFormat(), report.statistics(), report.baseline(),
        report.comparison(), report.constraints(), List.copyOf(checks), List.copyOf(violations),
        report.flaggedSamples(), report.completeness(), report.backfill(), report.signals());
  }
}
