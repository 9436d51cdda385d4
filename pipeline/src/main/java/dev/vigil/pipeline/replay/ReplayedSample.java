package dev.vigil.pipeline.replay;

import dev.vigil.classes.ClassScore;
import java.util.List;
import java.util.Objects;

/**
 * One replayed capture, as listed in {@code saliency/index.json}, with the rendered PNGs.
 *
 * <p>The byte arrays are not copied (they can be large): do not change them.
 *
 * @param eventId the capture record's eventId
 * @param location where the record was read from ({@code s3://...#L3}, {@code kafka://...})
 * @param ok whether a map was computed
 * @param reason why not, when {@code ok} is false (one line)
 * @param predictedClass the model's top-1 class on replay (-1 when not ok)
 * @param label its label
 * @param confidence its soft-max probability
 * @param explainedClass the class the map explains
 * @param top5 best classes first
 * @param overlayFile overlay file name relative to the index (null when not ok)
 * @param panelFile panel file name relative to the index (null when not ok or no image)
 * @param overlayPng the overlay PNG (null when not ok)
 * @param panelPng the panel PNG (null when not ok or no image)
 * @param inputPng the input as captured, re-encoded as PNG (a rendering for tensor inputs)
 * @param batchItem the input's position in its request's batch (0 when not batched)
 */
public record ReplayedSample(
    String eventId,
    String location,
    boolean ok,
    String reason,
    int predictedClass,
    String label,
    double confidence,
    int explainedClass,
    List<ClassScore> top5,
    String overlayFile,
    String panelFile,
    byte[] overlayPng,
    byte[] panelPng,
    byte[] inputPng,
    int batchItem) {

  /** A sample that was not part of a batch. */
  public ReplayedSample(String eventId, String location, boolean ok, String reason, int predictedClass,
      String label, double confidence, int explainedClass, List<ClassScore> top5, String overlayFile,
      String panelFile, byte[] overlayPng, byte[] panelPng, byte[] inputPng) {
    this(eventId, location, ok, reason, predictedClass, label, confidence, explainedClass, top5, overlayFile,
        panelFile, overlayPng, panelPng, inputPng, 0);
  }

  public ReplayedSample {
    Objects.requireNonNull(eventId, "eventId");
    top5 = top5 == null ? List.of() : List.copyOf(top5);
  }

  static ReplayedSample failed(String eventId, String location, int batchItem, String reason) {
    return new ReplayedSample(
        eventId, location, false, reason, -1, null, 0, -1, List.of(), null, null, null, null,
        null, batchItem);
  }
}
