package dev.vigil.monitor.signals;

import java.util.List;

/**
 * What the model said about a set of captured inputs.
 *
 * @param readings one per input that could be read, in input order
 * @param unreadable inputs that could not be decoded or run
 * @param firstProblem why the first of them could not, one line (null when none)
 */
public record ModelReadings(List<Reading> readings, int unreadable, String firstProblem) {
  public ModelReadings {
    readings = List.copyOf(readings);
  }

  /**
   * The model on one input.
   *
   * @param eventId the capture's eventId
   * @param batchItem the input's position in its request (0 when not batched)
   * @param embedding the penultimate activations, flattened
   * @param probabilities the soft-max of the logits
   * @param squeezeScore the feature-squeezing score, null when not screened
   */
  public record Reading(String eventId, int batchItem, float[] embedding, float[] probabilities, Double squeezeScore) {}

  /** The embeddings as rows. */
  public float[][] embeddings() {
    return readings.stream().map(Reading::embedding).toArray(float[][]::new);
  }

  /** The soft-max outputs as rows. */
  public float[][] probabilities() {
    return readings.stream().map(Reading::probabilities).toArray(float[][]::new);
  }
}
