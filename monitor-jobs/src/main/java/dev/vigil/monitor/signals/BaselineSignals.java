package dev.vigil.monitor.signals;

import java.util.Objects;

/**
 * The model-side part of a baseline ({@code signals.json} next to statistics.json): the
 * embeddings and soft-max outputs of a sample of the baseline's inputs, and the feature-squeezing
 * threshold calibrated on them.
 *
 * @param embeddingNode the tensor the embeddings were read from
 * @param modelSha256 the model that read them (a window read by another model is not compared)
 * @param embeddings sample x embedding dimension
 * @param probabilities sample x classes
 * @param squeezeThreshold scores above it are likely adversarial; null when no score was computed
 * @param falsePositiveRate the share of baseline scores above the threshold it was calibrated for
 * @param calibrationSamples how many baseline inputs were scored
 */
public record BaselineSignals(
    String embeddingNode,
    String modelSha256,
    FloatMatrix embeddings,
    FloatMatrix probabilities,
    Double squeezeThreshold,
    double falsePositiveRate,
    int calibrationSamples) {

  public BaselineSignals {
    Objects.requireNonNull(embeddings, "embeddings");
    Objects.requireNonNull(probabilities, "probabilities");
  }

  /**
   * The baseline part of {@code readings} (read with screening on): the threshold is the {@code
   * (1 - falsePositiveRate)} quantile of their squeeze scores, the smallest score at least that
   * share of the baseline does not exceed (Xu et al. chose theirs so on legitimate inputs).
   */
  public static BaselineSignals calibrate(ModelReadings readings, String embeddingNode, String modelSha256,
      double falsePositiveRate) {
    double[] scores = readings.readings().stream().map(ModelReadings.Reading::squeezeScore)
        .filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
    return new BaselineSignals(embeddingNode, modelSha256, FloatMatrix.of(readings.embeddings()),
        FloatMatrix.of(readings.probabilities()), threshold(scores, falsePositiveRate), falsePositiveRate,
        scores.length);
  }

  /** The (1 - rate) quantile of sorted scores: the value at rank ceil((1 - rate) n); null without scores. */
  static Double threshold(double[] sortedScores, double rate) {
    if (sortedScores.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil((1 - rate) * sortedScores.length - 1e-9);
    return sortedScores[Math.max(0, Math.min(sortedScores.length - 1, rank - 1))];
  }
}
