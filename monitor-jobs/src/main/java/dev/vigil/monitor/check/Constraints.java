package dev.vigil.monitor.check;

import dev.vigil.config.DriftMethod;
import java.util.Map;

/**
 * The limits a window is held to; the editable {@code constraints.json} of a baseline, or the
 * {@code monitor.thresholds} of the config when no baseline is set.
 *
 * @param minRecords below this many predictions the window reports insufficient_data only
 * @param lowConfidenceThreshold {@code t}: a top-1 confidence below it is "low"
 * @param classShareMax a class predicted more often than this share violates class_share_exceeded
 * @param classShareMaxByClass per-label overrides of {@code classShareMax} (e.g. a class that is
 *     legitimately common)
 * @param driftMethod distance to the baseline distribution
 * @param driftLimit its limit (a p-value for chi-square)
 * @param lowConfidenceShareMax limit on the share of top-1 below {@code t}
 * @param confidenceDropMax limit on {@code baseline mean top-1 - window mean top-1}
 * @param unusableShareMax limit on the unusable-record share
 * @param accuracyDropMax limit on {@code baseline accuracy - window accuracy} (labelled
 *     predictions; default {@value #ACCURACY_DROP_MAX}); absent in older files: the default
 * @param classRecallDropMax limit on a class's {@code baseline recall - window recall} (classes
 *     with at least {@value #MIN_CLASS_SUPPORT} labelled predictions; default {@value #CLASS_RECALL_DROP_MAX})
 * @param estimatedAccuracyDropMax limit on {@code baseline accuracy - estimated accuracy} (CBPE;
 *     default {@value #ESTIMATED_ACCURACY_DROP_MAX})
 * @param minLabels fewer labelled predictions in a window leave the accuracy checks unavailable
 *     (default {@value #MIN_LABELS})
 */
public record Constraints(
    long minRecords,
    double lowConfidenceThreshold,
    double classShareMax,
    Map<String, Double> classShareMaxByClass,
    DriftMethod driftMethod,
    double driftLimit,
    double lowConfidenceShareMax,
    double confidenceDropMax,
    double unusableShareMax,
    Double accuracyDropMax,
    Double classRecallDropMax,
    Double estimatedAccuracyDropMax,
    Long minLabels) {
  public static final double ACCURACY_DROP_MAX = 0.1;
  public static final double CLASS_RECALL_DROP_MAX = 0.2;
  public static final double ESTIMATED_ACCURACY_DROP_MAX = 0.1;
  public static final long MIN_LABELS = 30;
  /** Classes with fewer labelled predictions in the window are not judged by class_recall_drop. */
  public static final long MIN_CLASS_SUPPORT = 10;

  public Constraints {
    accuracyDropMax = accuracyDropMax == null ? ACCURACY_DROP_MAX : accuracyDropMax;
    classRecallDropMax = classRecallDropMax == null ? CLASS_RECALL_DROP_MAX : classRecallDropMax;
    estimatedAccuracyDropMax = estimatedAccuracyDropMax == null ? ESTIMATED_ACCURACY_DROP_MAX : estimatedAccuracyDropMax;
    minLabels = minLabels == null ? MIN_LABELS : minLabels;
    requireShare("accuracyDropMax", accuracyDropMax);
    requireShare("classRecallDropMax", classRecallDropMax);
    requireShare("estimatedAccuracyDropMax", estimatedAccuracyDropMax);
    if (minLabels < 0) {
      throw new IllegalArgumentException("minLabels must be >= 0, was " + minLabels);
    }
    classShareMaxByClass = classShareMaxByClass == null ? Map.of() : Map.copyOf(classShareMaxByClass);
    driftMethod = driftMethod == null ? DriftMethod.LINF : driftMethod;
    requireShare("classShareMax", classShareMax);
    requireShare("lowConfidenceThreshold", lowConfidenceThreshold);
    requireShare("lowConfidenceShareMax", lowConfidenceShareMax);
    requireShare("confidenceDropMax", confidenceDropMax);
    requireShare("unusableShareMax", unusableShareMax);
    if (minRecords < 0) {
      throw new IllegalArgumentException("minRecords must be >= 0, was " + minRecords);
    }
    if (!(driftLimit >= 0)) {
      throw new IllegalArgumentException("drift limit must be >= 0, was " + driftLimit);
    }
    classShareMaxByClass.forEach((k, v) -> requireShare("classShareMaxByClass." + k, v));
  }

  /** The limits without the model-quality ones (their defaults apply). */
  public Constraints(long minRecords, double lowConfidenceThreshold, double classShareMax,
      Map<String, Double> classShareMaxByClass, DriftMethod driftMethod, double driftLimit,
      double lowConfidenceShareMax, double confidenceDropMax, double unusableShareMax) {
    this(minRecords, lowConfidenceThreshold, classShareMax, classShareMaxByClass, driftMethod, driftLimit,
        lowConfidenceShareMax, confidenceDropMax, unusableShareMax, null, null, null, null);
  }

  /** The same limits with the model-quality ones replaced. */
  public Constraints withQuality(double accuracyDropMax, double classRecallDropMax, double estimatedAccuracyDropMax,
      long minLabels) {
    return new Constraints(minRecords, lowConfidenceThreshold, classShareMax, classShareMaxByClass, driftMethod,
        driftLimit, lowConfidenceShareMax, confidenceDropMax, unusableShareMax, accuracyDropMax, classRecallDropMax,
        estimatedAccuracyDropMax, minLabels);
  }

  /** The documented defaults of {@code monitor.*}. */
  public static Constraints defaults() {
    return new Constraints(100, 0.5, 0.5, Map.of(), DriftMethod.LINF, 0.1, 0.3, 0.1, 0.05);
  }

  /** The class-share limit of one class label. */
  public double classShareMaxOf(String label) {
    return classShareMaxByClass.getOrDefault(label, classShareMax);
  }

  private static void requireShare(String key, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(key + " must be a share in [0, 1], was " + v);
    }
  }
}
