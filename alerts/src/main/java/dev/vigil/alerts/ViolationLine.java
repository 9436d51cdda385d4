package dev.vigil.alerts;

import java.util.Objects;

/**
 * One violated constraint as the alert shows it.
 *
 * <p>Every metric Vigil checks is a maximum ({@code classShareMax}, drift distance, low-confidence
 * share, confidence drop, unusable share): a larger {@code value} is worse. {@link #excess()} is how
 * far beyond the limit it is, in units of the limit, which picks the worst violation for the subject.
 *
 * @param metric the violation type, e.g. {@code class_share}; part of the dedup key
 * @param subject what it is about, e.g. {@code 14} for a class, or null; part of the dedup key
 * @param description the violation in words, e.g. {@code class 14 (Stop) predicted 80.5% of the time (limit 50%)}
 * @param value measured value
 * @param limit the configured limit
 * @param baseline baseline value, or null when there is no baseline
 * @param severity how bad it is
 */
public record ViolationLine(
    String metric,
    String subject,
    String description,
    double value,
    double limit,
    Double baseline,
    Severity severity) {

  public ViolationLine {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(severity, "severity");
    description = Objects.requireNonNullElse(description, metric);
  }

  /** The dedup key within one endpoint: metric plus subject. */
  public String type() {
    return subject == null ? metric : metric + ":" + subject;
  }

  /** Distance beyond the limit in units of the limit ({@code (value - limit) / |limit|}). */
  public double excess() {
    double scale = limit == 0 ? 1 : Math.abs(limit);
    return (value - limit) / scale;
  }
}
