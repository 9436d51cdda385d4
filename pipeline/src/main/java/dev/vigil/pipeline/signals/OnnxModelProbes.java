package dev.vigil.pipeline.signals;

import ai.onnxruntime.OrtException;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.SaliencyConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.signals.ModelProbe;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import java.io.IOException;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The model-side signals' model, wired from the configuration: {@code saliency.model} opened once
 * for embeddings ({@code saliency.signals.embeddingNode}), and a probe per endpoint with its
 * pre-processing. Owns the model; close it when done.
 */
public final class OnnxModelProbes implements ModelProbe.Factory, AutoCloseable {
  private final VigilConfig config;
  private final EmbeddingModel model;
  private final CaptureFetcher fetcher;
  private final AutoCloseable ownFetcher; // null when the fetcher was given

  private OnnxModelProbes(VigilConfig config, EmbeddingModel model, CaptureFetcher fetcher, AutoCloseable ownFetcher) {
    this.config = config;
    this.model = model;
    this.fetcher = fetcher;
    this.ownFetcher = ownFetcher;
  }

  /**
   * Opens the model when {@code saliency.signals.enabled}; null otherwise.
   *
   * @param fetcherOrNull reads sampled and flagged captures (not closed here); null: one of its own on
   *     {@code sinks.s3} and {@code sinks.kafka}, closed with this
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
    if (fetcherOrNull != null) {
      return new OnnxModelProbes(config, model, fetcherOrNull, null);
    }
    S3Client s3 = MonitorRuntime.s3Client(config.sinks().s3());
    CaptureFetcher own = new CaptureFetcher(s3, config.sinks().kafka().enabled()
        ? MonitorRuntime.kafkaClientProperties(config.sinks().kafka()) : null, new CaptureRecordCodec());
    return new OnnxModelProbes(config, model, own, () -> {
      own.close();
      s3.close();
    });
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
  public void close() throws Exception {
    try {
      Objects.requireNonNull(model).close();
    } finally {
      if (ownFetcher != null) {
        ownFetcher.close();
      }
    }
  }
}
