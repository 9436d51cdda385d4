package dev.vigil.monitor.signals;

import dev.vigil.monitor.flag.FlaggedSample;
import java.util.List;

/**
 * The model, as the monitor's model-side signals need it: the seam between monitor-jobs (which
 * must not depend on ONNX Runtime, design.md) and the module that runs the model (pipeline's
 * {@code OnnxModelProbe}). Implementations decode captured bodies the way saliency replay does,
 * and never throw for one bad input: it is counted in {@link ModelReadings#unreadable()}.
 */
public interface ModelProbe {
  /**
   * The model on sampled inputs: embeddings and soft-max of each decoded input.
   *
   * @param screen also compute each input's feature-squeezing score (baselines: calibration)
   */
  ModelReadings read(List<SampledInput> inputs, boolean screen);

  /** Feature-squeezing scores of flagged samples, their captures fetched by location. */
  ModelReadings screen(List<FlaggedSample> samples);

  /** The tensor whose values are the embeddings (for reports and baselines). */
  String embeddingNode();

  /** Hex SHA-256 of the model file (baselines remember which model made them). */
  String modelSha256();

  /** The probe of one endpoint (its pre-processing differs from another's). */
  @FunctionalInterface
  interface Factory {
    ModelProbe forEndpoint(String endpoint);
  }
}
