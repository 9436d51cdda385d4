package dev.vigil.monitor.stats;

/**
 * Top-1 predictions of one class in a window.
 *
 * @param index class index
 * @param label class label (the index as text without a labels file)
 * @param count records whose top-1 class is this one
 * @param share {@code count / n}, n = usable predictions in the window
 * @param meanConfidence mean top-1 confidence of these records, or null without confidences
 */
public record ClassStatistics(int index, String label, long count, double share, Double meanConfidence) {}
