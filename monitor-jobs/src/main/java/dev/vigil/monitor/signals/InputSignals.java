package dev.vigil.monitor.signals;

import dev.vigil.config.InputDriftMethod;

/**
 * The model-side signals of one window, as {@code signals} in report.json: the drift tests of the
 * window's sample of embeddings against the baseline's, their picture on the first two principal
 * components, and the screening of the flagged samples. Figures are null when they could not be
 * computed (no baseline signals, too few inputs read); the checks say why.
 *
 * @param embeddingNode the tensor the embeddings were read from
 * @param embeddingDimension its size per input
 * @param windowSample inputs of the window read through the model
 * @param baselineSample inputs of the baseline's sample
 * @param unreadable sampled inputs that could not be read (decoding, model)
 * @param unreadableExample why the first of them could not, or null
 * @param method the test that judges input_drift
 * @param pValueLimit input_drift is violated below it
 * @param mmd2 unbiased MMD^2 of the embeddings
 * @param mmdSigma the RBF kernel's bandwidth (median heuristic)
 * @param mmdPValue its permutation p-value
 * @param permutations permutations drawn
 * @param bbsdPValue Bonferroni-corrected KS p-value over the soft-max dimensions
 * @param bbsdClass the soft-max dimension with the smallest KS p-value
 * @param bbsdKs its KS statistic
 * @param squeezeThreshold the baseline-calibrated screening threshold, null without one
 * @param screened flagged samples screened
 * @param likelyAdversarial those scoring above the threshold
 * @param adversarialShareMax adversarial_inputs is violated above this share
 * @param projection both samples on the pooled sample's first two principal components, or null
 */
public record InputSignals(
    String embeddingNode,
    int embeddingDimension,
    int windowSample,
    int baselineSample,
    int unreadable,
    String unreadableExample,
    InputDriftMethod method,
    double pValueLimit,
    Double mmd2,
    Double mmdSigma,
    Double mmdPValue,
    int permutations,
    Double bbsdPValue,
    Integer bbsdClass,
    Double bbsdKs,
    Double squeezeThreshold,
    int screened,
    int likelyAdversarial,
    double adversarialShareMax,
    Projection projection) {

  /** The p-value of the configured method, or null. */
  public Double pValue() {
    return method == InputDriftMethod.BBSD ? bbsdPValue : mmdPValue;
  }

  /**
   * Two samples on the plane of the pooled sample's first two principal components.
   *
   * @param explained share of the pooled variance the plane shows
   * @param baseline the baseline's points (n x 2)
   * @param window the window's points (m x 2)
   */
  public record Projection(double explained, float[][] baseline, float[][] window) {}
}
