package dev.vigil.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * FullGrad replay of flagged samples ({@code saliency}).
 *
 * @param model the ONNX model file; {@code null} when not set (saliency is then skipped)
 * @param device {@code cpu} or {@code cuda} (falls back to cpu with a reason)
 * @param batchSize images per forward/backward pass
 * @param samplesPerViolation how many flagged samples per violation get a heatmap
 * @param intraOpThreads ONNX Runtime intra-op threads
 * @param signals model-side signals: input drift from embeddings, adversarial screening
 */
public record SaliencyConfig(
    Path model, Device device, int batchSize, int samplesPerViolation, int intraOpThreads, SignalsConfig signals) {
  public SaliencyConfig {
    Objects.requireNonNull(device, "device");
    signals = signals == null ? SignalsConfig.defaults() : signals;
  }

  /** Without model-side signals ({@link SignalsConfig#defaults()}). */
  public SaliencyConfig(Path model, Device device, int batchSize, int samplesPerViolation, int intraOpThreads) {
    this(model, device, batchSize, samplesPerViolation, intraOpThreads, null);
  }
}
