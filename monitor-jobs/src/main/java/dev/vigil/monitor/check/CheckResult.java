package dev.vigil.monitor.check;

/**
 * One check's outcome on a window, passed or not.
 *
 * @param type the check
 * @param featureName what was measured: a class label, {@code predicted_class}, {@code
 *     top1_confidence} or {@code records}
 * @param status outcome
 * @param value measured value, null when unavailable/skipped
 * @param limit the limit it was held to
 * @param baselineValue the same figure in the baseline, null without one
 * @param description one human sentence
 */
public record CheckResult(
    ViolationType type,
    String featureName,
    CheckStatus status,
    Double value,
    Double limit,
    Double baselineValue,
    String description) {}
