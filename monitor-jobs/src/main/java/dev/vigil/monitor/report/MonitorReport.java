package dev.vigil.monitor.report;

import dev.vigil.monitor.check.BaselineComparison;
import dev.vigil.monitor.check.CheckResult;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.signals.InputSignals;
import dev.vigil.monitor.stats.WindowStatistics;
import java.time.Instant;
import java.util.List;

/**
 * Everything one monitoring run found about one window of one endpoint; written as {@code
 * report.json}, published to Kafka and handed to every {@link ReportListener}.
 *
 * @param endpoint endpoint name
 * @param variant endpoint variant
 * @param windowStart inclusive start of the window (inferenceTime)
 * @param windowEnd exclusive end
 * @param generatedAt when the report was made
 * @param source where the window was read: {@code s3} or {@code kafka}
 * @param outputFormat the endpoint's output format code
 * @param statistics the window's statistics
 * @param baseline the baseline's statistics, or null without a baseline
 * @param comparison window vs baseline, or null without a baseline
 * @param constraints the limits applied
 * @param checks every check's outcome (passed, violated, unavailable, skipped)
 * @param violations the violated checks
 * @param flaggedSamples records behind the violations, grouped by violation in order
 * @param completeness share of usable records among those read ({@code statistics.completeness})
 * @param backfill true when the window was missed while no monitor ran (downtime) and checked
 *     late, by the next scheduled run; false for on-time windows and {@code run-once}
 * @param signals the model-side signals (input drift, screening), null when not enabled
 */
public record MonitorReport(
    String endpoint,
    String variant,
    Instant windowStart,
    Instant windowEnd,
    Instant generatedAt,
    String source,
    String outputFormat,
    WindowStatistics statistics,
    WindowStatistics baseline,
    BaselineComparison comparison,
    Constraints constraints,
    List<CheckResult> checks,
    List<Violation> violations,
    List<FlaggedSample> flaggedSamples,
    double completeness,
    boolean backfill,
    InputSignals signals) {

  /** A report of a window checked on time, without model-side signals. */
  public MonitorReport(String endpoint, String variant, Instant windowStart, Instant windowEnd, Instant generatedAt,
      String source, String outputFormat, WindowStatistics statistics, WindowStatistics baseline,
      BaselineComparison comparison, Constraints constraints, List<CheckResult> checks, List<Violation> violations,
      List<FlaggedSample> flaggedSamples, double completeness) {
    this(endpoint, variant, windowStart, windowEnd, generatedAt, source, outputFormat, statistics, baseline,
        comparison, constraints, checks, violations, flaggedSamples, completeness, false, null);
  }

  /** This report marked as a backfill (or not). */
  public MonitorReport withBackfill(boolean backfill) {
    return new MonitorReport(endpoint, variant, windowStart, windowEnd, generatedAt, source, outputFormat, statistics,
        baseline, comparison, constraints, checks, violations, flaggedSamples, completeness, backfill, signals);
  }

  /** This report with model-side signals and the checks, violations and samples they add. */
  public MonitorReport withSignals(InputSignals s, List<CheckResult> allChecks, List<Violation> allViolations,
      List<FlaggedSample> allSamples) {
    return new MonitorReport(endpoint, variant, windowStart, windowEnd, generatedAt, source, outputFormat,
        statistics, baseline, comparison, constraints, List.copyOf(allChecks), List.copyOf(allViolations),
        List.copyOf(allSamples), completeness, backfill, s);
  }

  /** Whether any check was violated. */
  public boolean hasViolations() {
    return !violations.isEmpty();
  }

  /** The flagged samples of one violation, least confident first. */
  public List<FlaggedSample> samplesOf(Violation v) {
    return flaggedSamples.stream()
        .filter(s -> s.violation() == v.type() && java.util.Objects.equals(s.featureName(), v.featureName()))
        .toList();
  }
}
