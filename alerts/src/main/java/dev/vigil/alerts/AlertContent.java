package dev.vigil.alerts;

import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one alert shows, independent of the channel: the alerts module's input.
 *
 * <p>One {@code AlertContent} describes one monitoring window of one endpoint. A content with no
 * violations means "this window is clean": if the endpoint had active violations, a "resolved"
 * notice goes out. Byte arrays (PNGs, report.json) are not copied; do not change them afterwards.
 *
 * @param endpoint endpoint name
 * @param variant endpoint variant
 * @param windowStart start of the checked window (inclusive)
 * @param windowEnd end of the checked window (exclusive)
 * @param violations violated constraints (empty when the window is clean)
 * @param classDistributionChartPng class distribution against the baseline (PNG), or null
 * @param confidenceHistogramPng top-1 confidence histogram (PNG), or null
 * @param heatmaps flagged samples with heatmaps, most important first
 * @param reportJson the full report as JSON, or null
 * @param reportLocation where report.json lives (e.g. {@code s3://vigil/reports/.../report.json}), or null
 * @param backfill the window was missed during downtime and checked late (said in the e-mail and report.html)
 * @param sections further sections (model quality, model-side signals, ...), shown after the charts, in order
 */
public record AlertContent(
    String endpoint,
    String variant,
    Instant windowStart,
    Instant windowEnd,
    List<ViolationLine> violations,
    byte[] classDistributionChartPng,
    byte[] confidenceHistogramPng,
    List<HeatmapItem> heatmaps,
    byte[] reportJson,
    URI reportLocation,
    boolean backfill,
    List<AlertSection> sections) {

  /** Content of a window checked on time, without further sections. */
  public AlertContent(String endpoint, String variant, Instant windowStart, Instant windowEnd,
      List<ViolationLine> violations, byte[] classDistributionChartPng, byte[] confidenceHistogramPng,
      List<HeatmapItem> heatmaps, byte[] reportJson, URI reportLocation) {
    this(endpoint, variant, windowStart, windowEnd, violations, classDistributionChartPng, confidenceHistogramPng,
        heatmaps, reportJson, reportLocation, false, List.of());
  }

  /** The line that says a window was checked late, or "" for an on-time window. */
  public String backfillNote() {
    return backfill ? "Backfill: this window was missed while no monitor ran and was checked late." : "";
  }

  public AlertContent {
    sections = sections == null ? List.of() : List.copyOf(sections);
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    variant = Objects.requireNonNullElse(variant, "default");
    violations = violations == null ? List.of() : List.copyOf(violations);
    heatmaps = heatmaps == null ? List.of() : List.copyOf(heatmaps);
    sections = sections == null ? List.of() : List.copyOf(sections);
  }

  /** The worst violation: highest severity, then furthest beyond its limit. */
  public Optional<ViolationLine> worst() {
    return violations.stream()
        .max(Comparator.comparing(ViolationLine::severity).thenComparingDouble(ViolationLine::excess));
  }

  /** The highest severity among the violations; empty for a clean window. */
  public Optional<Severity> severity() {
    return worst().map(ViolationLine::severity);
  }

  /** Where report.html lives: next to report.json, or null when the report has no location. */
  public URI reportHtmlLocation() {
    if (reportLocation == null) {
      return null;
    }
    return reportLocation.resolve("report.html");
  }
}
