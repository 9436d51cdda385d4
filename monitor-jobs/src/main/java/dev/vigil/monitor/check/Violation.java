package dev.vigil.monitor.check;

/**
 * A violated check.
 *
 * @param type what was violated
 * @param featureName a class label (class_share_exceeded), {@code predicted_class} (drift),
 *     {@code top1_confidence} (low_confidence, confidence_drop), {@code records} (completeness,
 *     insufficient_data)
 * @param classIndex the class concerned (the over-predicted class; the class that gained most
 *     for drift), or null
 * @param value the measured value (a share, a distance, a p-value for chi-square, a count)
 * @param limit the limit it broke
 * @param baselineValue the same figure in the baseline, or null without a baseline
 * @param description one sentence a person can act on, with the numbers
 * @param severity warning or critical
 */
public record Violation(
    ViolationType type,
    String featureName,
    Integer classIndex,
    double value,
    double limit,
    Double baselineValue,
    String description,
    Severity severity) {}
