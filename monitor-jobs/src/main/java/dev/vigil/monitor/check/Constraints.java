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
    double unusableShareMax) {

  public Constraints {
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
