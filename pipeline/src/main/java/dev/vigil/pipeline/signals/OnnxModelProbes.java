package dev.vigil.pipeline.signals;

import ai.onnxruntime.OrtException;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.SaliencyConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.signals.ModelProbe;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import java.io.IOException;
import java.util.Objects;

/**
 * The model-side signals' model, wired from the configuration: {@code saliency.model} opened once
 * for embeddings ({@code saliency.signals.embeddingNode}), and a probe per endpoint with its
 * pre-processing. Owns the model; close it when done.
 */
public final class OnnxModelProbes implements ModelProbe.Factory, AutoCloseable {
  private final VigilConfig config;
  private final EmbeddingModel model;
  private final CaptureFetcher fetcher;

  private OnnxModelProbes(VigilConfig config, EmbeddingModel model, CaptureFetcher fetcher) {
    this.config = config;
    this.model = model;
    this.fetcher = fetcher;
  }

  /**
   * Opens the model when {@code saliency.signals.enabled}; null otherwise.
   *
   * @param fetcherOrNull reads flagged samples for screening (not closed here); null: baselines only
   * @throws IOException when the model cannot be read
   * @throws OrtException when ONNX Runtime rejects it
   * @throws IllegalArgumentException when the embedding node is not in the model
   */
  public static OnnxModelProbes openIfEnabled(VigilConfig config, CaptureFetcher fetcherOrNull)
      throws IOException, OrtException {
    SaliencyConfig s = config.saliency();
    if (!s.signals().enabled() || s.model() == null) {
      return null;
    }
    EmbeddingModel model = EmbeddingModel.open(s.model(),
        new SaliencyOptions(s.device().configName(), s.intraOpThreads(), s.batchSize()), s.signals().embeddingNode());
    return new OnnxModelProbes(config, model, fetcherOrNull);
  }

  @Override
  public ModelProbe forEndpoint(String endpoint) {
    EndpointConfig e = config.endpoint(endpoint).orElseThrow(
        () -> new IllegalArgumentException("no endpoint named '" + endpoint + "' in the config"));
    if (e.preprocessing() == null) {
      throw new IllegalArgumentException("endpoints[" + e.name() + "].preprocessing is not set: the model-side"
          + " signals cannot turn its captured images into tensors; set it or saliency.signals.enabled: false");
    }
    return new OnnxModelProbe(model, new Preprocessor(Preprocessing.from(e.preprocessing())), fetcher,
        config.saliency().signals().bitDepth());
  }

  /** The model, for benchmarks and the demo's evidence. */
  public EmbeddingModel model() {
    return model;
  }

  @Override
  public void close() throws OrtException {
    Objects.requireNonNull(model).close();
  }
}
