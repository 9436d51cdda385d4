package dev.vigil.saliency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.embedding.EmbeddingGraph;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Runs a classifier for its embeddings and soft-max ({@link EmbeddingGraph}): one forward pass
 * gives both. Thread-safe: runs are serialised per model, as the explainer's.
 */
public final class EmbeddingModel implements AutoCloseable {
  private final OnnxGraph graph;
  private final EmbeddingGraph embedding;
  private final SaliencyOptions options;
  private final Sessions sessions;
  private final OrtSession session;

  /**
   * The model's embeddings and class probabilities for a batch.
   *
   * @param embeddings n x d, the embedding tensor flattened per input
   * @param probabilities n x classes, soft-max of the logits
   */
  public record Readings(float[][] embeddings, float[][] probabilities) {}

  private EmbeddingModel(OnnxGraph graph, EmbeddingGraph embedding, SaliencyOptions options) throws OrtException {
    this.graph = graph;
    this.embedding = embedding;
    this.options = options;
    this.sessions = new Sessions(options);
    this.session = sessions.create(embedding.model().toByteArray());
  }

  /**
   * Opens a model for embeddings.
   *
   * @param nodeOrNull the embedding node ({@link EmbeddingGraph#of}); null: penultimate activations
   * @throws IOException when the file is missing or not a usable ONNX model
   * @throws IllegalArgumentException when the embedding node is not found
   * @throws OrtException when ONNX Runtime rejects the model
   */
  public static EmbeddingModel open(Path model, SaliencyOptions options, String nodeOrNull)
      throws IOException, OrtException {
    OnnxGraph graph = OnnxGraph.read(model);
    return new EmbeddingModel(graph, EmbeddingGraph.of(graph, nodeOrNull), options);
  }

  /** Runs {@code batch} in runs of {@code options.batchSize()}. */
  public synchronized Readings run(ImageTensor batch) throws OrtException {
    float[][] emb = new float[batch.n()][];
    float[][] probs = new float[batch.n()][];
    int size = batch.imageSize();
    for (int from = 0; from < batch.n(); from += options.batchSize()) {
      int n = Math.min(batch.n(), from + options.batchSize()) - from;
      try (OnnxTensor x = OnnxTensor.createTensor(sessions.env(), FloatBuffer.wrap(batch.data(), from * size, n * size),
              new long[] {n, batch.c(), batch.h(), batch.w()});
          OrtSession.Result r = session.run(Map.of(embedding.input(), x),
              Set.of(embedding.embedding(), embedding.logits()))) {
        float[] e = floats((OnnxTensor) r.get(embedding.embedding()).orElseThrow());
        float[] l = floats((OnnxTensor) r.get(embedding.logits()).orElseThrow());
        int d = e.length / n;
        int k = l.length / n;
        for (int i = 0; i < n; i++) {
          float[] row = new float[d];
          System.arraycopy(e, i * d, row, 0, d);
          emb[from + i] = row;
          probs[from + i] = softmax(l, i * k, k);
        }
      }
    }
    return new Readings(emb, probs);
  }

  private static float[] floats(OnnxTensor t) {
    FloatBuffer b = t.getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  /** Soft-max with the maximum subtracted (no overflow), in double. */
  static float[] softmax(float[] logits, int from, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, logits[from + c]);
    }
    double sum = 0;
    double[] e = new double[k];
    for (int c = 0; c < k; c++) {
      e[c] = Math.exp(logits[from + c] - max);
      sum += e[c];
    }
    float[] out = new float[k];
    for (int c = 0; c < k; c++) {
      out[c] = (float) (e[c] / sum);
    }
    return out;
  }

  /** The embedding tensor's name. */
  public String embeddingNode() {
    return embedding.embedding();
  }

  /** Hex SHA-256 of the model file. */
  public String modelSha256() {
    return graph.sha256();
  }

  /** The device sessions run on. */
  public String device() {
    return sessions.device();
  }

  @Override
  public synchronized void close() throws OrtException {
    session.close();
  }
}
