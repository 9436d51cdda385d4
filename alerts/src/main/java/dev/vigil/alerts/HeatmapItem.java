package dev.vigil.alerts;

import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import java.util.List;
import java.util.Objects;

/**
 * One flagged sample with its FullGrad heatmap.
 *
 * <p>The byte arrays are PNG files; they are not copied (they can be megabytes), so callers must
 * not change them after handing them over.
 *
 * @param eventId the capture record's eventId
 * @param predictedClass the predicted class index
 * @param predictedLabel its label (from data: always escaped before rendering)
 * @param confidence top-1 probability in [0, 1]
 * @param top5 the top classes, best first (may be empty)
 * @param overlayPng the heatmap over the input image (PNG)
 * @param inputPng the input image as the model saw it (PNG), or null
 * @param note one more line about the sample (e.g. its adversarial screening), or null
 */
public record HeatmapItem(
    String eventId,
    int predictedClass,
    String predictedLabel,
    double confidence,
    List<ClassScore> top5,
    byte[] overlayPng,
    byte[] inputPng,
    String note) {

  /** An item without a note. */
  public HeatmapItem(String eventId, int predictedClass, String predictedLabel, double confidence,
      List<ClassScore> top5, byte[] overlayPng, byte[] inputPng) {
    this(eventId, predictedClass, predictedLabel, confidence, top5, overlayPng, inputPng, null);
  }

  public HeatmapItem {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(overlayPng, "overlayPng");
    predictedLabel = predictedLabel == null ? Labels.unlabelled(predictedClass) : predictedLabel;
    top5 = top5 == null ? List.of() : List.copyOf(top5);
  }
}
