package dev.vigil.config;

/**
 * Model-side signals ({@code saliency.signals}): input drift of the model's penultimate embeddings
 * and adversarial screening of flagged samples by feature squeezing. They run the model of {@code
 * saliency.model} on captured inputs, so they need it set.
 *
 * @param enabled whether windows (and new baselines) get the signals
 * @param embeddingNode the node (or tensor) whose output is the embedding; null: the input of the
 *     last Gemm/MatMul
 * @param sampleSize captured inputs per window (and per baseline) read through the model
 * @param driftMethod the test that judges {@code input_drift}; both are computed and reported
 * @param driftPValue {@code input_drift} is violated when the test's p-value is below this
 * @param permutations permutations of the MMD test
 * @param bitDepth colour bits kept by the bit-depth squeezer (1-8)
 * @param falsePositiveRate share of the baseline's inputs the screening threshold lets through as
 *     adversarial (the threshold is their (1 - rate) quantile)
 * @param adversarialShareMax {@code adversarial_inputs} is violated when more than this share of
 *     the window's screened samples are likely adversarial
 * @param seed seed of the window sample and the permutations
 */
public record SignalsConfig(
    boolean enabled,
    String embeddingNode,
    int sampleSize,
    InputDriftMethod driftMethod,
    double driftPValue,
    int permutations,
    int bitDepth,
    double falsePositiveRate,
    double adversarialShareMax,
    long seed) {

  /** The documented defaults (disabled). */
  public static SignalsConfig defaults() {
    return new SignalsConfig(false, null, 256, InputDriftMethod.MMD, 0.05, 500, 5, 0.05, 0.2, 15);
  }

  /** A copy with another seed (repeated tests). */
  public SignalsConfig withSeed(long newSeed) {
    return new SignalsConfig(enabled, embeddingNode, sampleSize, driftMethod, driftPValue, permutations, bitDepth,
        falsePositiveRate, adversarialShareMax, newSeed);
  }
}
