package dev.vigil.monitor.quality;

import java.util.List;
import java.util.Map;

/**
 * What the ground truth says about a window (or a baseline): the model-quality section of
 * {@code statistics.json}. Realised figures need labels; the estimate needs a baseline calibration.
 *
 * @param source where labels were read ({@code s3}, {@code kafka}), or {@code none}
 * @param labelsRead label lines read for the window (written in {@code [start, end + maxDelay)})
 * @param labelled predictions of the window that had a label
 * @param coverage {@code labelled / predictions} of the window
 * @param problems labels not used, by {@link dev.vigil.monitor.truth.LabelProblem} code (every code listed)
 * @param problemExamples one example per reason seen
 * @param accuracy share of labelled predictions whose top-1 class is the label, null without labels
 * @param macroF1 mean F1 over the classes that occur as label or prediction, null without labels
 * @param classes per-class precision, recall and F1 (classes with neither support nor predictions left out)
 * @param confusionLabels the class labels naming the rows and columns of {@code confusion}
 * @param confusion counts, row = true class, column = predicted class; null above
 *     {@link QualityAccumulator#CONFUSION_MAX_CLASSES} classes
 * @param estimatedAccuracy CBPE estimate: mean calibrated top-1 confidence over every prediction
 *     with a confidence, by the baseline's calibration; null without one
 * @param estimatedAccuracyLabelled the same over the labelled predictions only (to set beside {@code accuracy})
 * @param calibration the calibration fitted on this window's own labelled predictions (the
 *     baseline's is the one windows are estimated with), null without labels or confidences
 */
public record GroundTruthStatistics(
    String source,
    long labelsRead,
    long labelled,
    double coverage,
    Map<String, Long> problems,
    Map<String, String> problemExamples,
    Double accuracy,
    Double macroF1,
    List<ClassQuality> classes,
    List<String> confusionLabels,
    List<List<Long>> confusion,
    Double estimatedAccuracy,
    Double estimatedAccuracyLabelled,
    Calibration calibration) {

  public GroundTruthStatistics {
    problems = problems == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(problems));
    problemExamples = problemExamples == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(problemExamples));
    classes = classes == null ? List.of() : List.copyOf(classes);
    confusionLabels = confusionLabels == null ? List.of() : List.copyOf(confusionLabels);
  }

  /** Labels not used, all reasons together. */
  public long problemTotal() {
    return problems.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The figures of a class label, or null. */
  public ClassQuality classOf(String label) {
    for (ClassQuality c : classes) {
      if (c.label().equals(label)) {
        return c;
      }
    }
    return null;
  }
}
