package dev.vigil.monitor.quality;

/**
 * One class's figures among a window's labelled predictions.
 *
 * @param index class index
 * @param label class label
 * @param support labelled predictions whose true class is this one
 * @param predicted labelled predictions whose predicted class is this one
 * @param precision {@code TP / predicted}, null when the class was never predicted
 * @param recall {@code TP / support}, null when no prediction of the class was labelled
 * @param f1 {@code 2 P R / (P + R)}, with a missing P or R taken as 0 (scikit-learn's
 *     {@code zero_division=0}); 0 when both are 0; null when the class has neither support nor predictions
 */
public record ClassQuality(int index, String label, long support, long predicted, Double precision, Double recall,
    Double f1) {}
