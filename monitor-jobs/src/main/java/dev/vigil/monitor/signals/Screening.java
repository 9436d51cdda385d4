package dev.vigil.monitor.signals;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A flagged sample's feature-squeezing verdict (Xu, Evans, Qi, NDSS 2018).
 *
 * @param score max L1 distance between the soft-max on the input and on its squeezed copies
 * @param threshold the baseline-calibrated threshold it was held to
 * @param likelyAdversarial {@code score > threshold}
 */
public record Screening(
    double score, double threshold, @JsonProperty("likely_adversarial") boolean likelyAdversarial) {

  /** The verdict of {@code score} against {@code threshold}. */
  public static Screening of(double score, double threshold) {
    return new Screening(score, threshold, score > threshold);
  }
}
