package dev.vigil.monitor.flag;

import dev.vigil.classes.ClassScore;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.signals.Screening;
import java.time.Instant;
import java.util.List;

/**
 * A captured record that shows a violation; the saliency module replays it and the alert shows
 * it. Fetch the record itself with {@link CaptureFetcher#fetch(CaptureLocation)}.
 *
 * @param violation the violation it illustrates
 * @param featureName the violation's feature (class label for class_share_exceeded)
 * @param eventId the capture record's eventId (null for a corrupt line)
 * @param inferenceTime the record's inference time (null for a corrupt line)
 * @param batchItem index of the item within a batched response (0 when not batched)
 * @param predictedClass top-1 class index (-1 for unusable records)
 * @param predictedLabel top-1 label (the unusable reason for unusable records)
 * @param confidence top-1 confidence, null when the format carries none
 * @param topK top classes with scores, best first (empty without confidences)
 * @param location where the record is stored
 * @param screening its feature-squeezing verdict, null when not screened
 */
public record FlaggedSample(
    ViolationType violation,
    String featureName,
    String eventId,
    Instant inferenceTime,
    int batchItem,
    int predictedClass,
    String predictedLabel,
    Double confidence,
    List<ClassScore> topK,
    CaptureLocation location,
    Screening screening) {

  /** A sample not (yet) screened. */
  public FlaggedSample(ViolationType violation, String featureName, String eventId, Instant inferenceTime,
      int batchItem, int predictedClass, String predictedLabel, Double confidence, List<ClassScore> topK,
      CaptureLocation location) {
    this(violation, featureName, eventId, inferenceTime, batchItem, predictedClass, predictedLabel, confidence, topK,
        location, null);
  }

  /** This sample with a screening verdict. */
  public FlaggedSample withScreening(Screening verdict) {
    return new FlaggedSample(violation, featureName, eventId, inferenceTime, batchItem, predictedClass,
        predictedLabel, confidence, topK, location, verdict);
  }

  /** The same capture as a sample of another violation. */
  public FlaggedSample asViolation(ViolationType type, String feature) {
    return new FlaggedSample(type, feature, eventId, inferenceTime, batchItem, predictedClass, predictedLabel,
        confidence, topK, location, screening);
  }
}
