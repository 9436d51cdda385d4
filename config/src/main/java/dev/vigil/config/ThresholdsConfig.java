package dev.vigil.config;

import java.util.Objects;

/**
 * Violation limits ({@code monitor.thresholds}); shares are fractions in [0, 1].
 *
 * @param classShareMax a class predicted in more than this share of records is a violation
 * @param drift class-distribution drift against the baseline
 * @param lowConfidenceShareMax max share of records whose top-1 confidence is below
 *     {@code monitor.lowConfidenceThreshold}
 * @param confidenceDropMax max drop of the mean top-1 confidence against the baseline
 * @param unusableShareMax max share of records whose output could not be read
 * @param accuracyDropMax max drop of accuracy on labelled predictions against the baseline
 * @param classRecallDropMax max drop of one class's recall against the baseline
 * @param estimatedAccuracyDropMax max drop of the estimated accuracy (calibrated confidence)
 *     below the baseline's accuracy
 */
public record ThresholdsConfig(
    double classShareMax,
    DriftConfig drift,
    double lowConfidenceShareMax,
    double confidenceDropMax,
    double unusableShareMax,
    double accuracyDropMax,
    double classRecallDropMax,
    double estimatedAccuracyDropMax) {

  public ThresholdsConfig {
    Objects.requireNonNull(drift, "drift");
  }
}
