package dev.vigil.saliency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.fullgrad.FullGradGraph;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FullGrad saliency maps (Srinivas &amp; Fleuret, NeurIPS 2019) for an ONNX image classifier, computed by ONNX
 * Runtime in one run per batch: the model is augmented with its own backward pass and the map computation
 * ({@link FullGradGraph}), so CPU and CUDA run the same graph.
 *
 * <p>One explainer per model: it holds the augmented session per input size (C x H x W), built on first use;
 * the batch dimension is free. Thread-safe: runs are serialised per explainer (ONNX Runtime already uses
 * {@code intraOpThreads} threads within a run).
 */
public final class FullGradExplainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FullGradExplainer.class);

  private final OnnxGraph graph;
  private final SaliencyOptions options;
  private final Sessions sessions;
  // Guarded by this.
  private final Map<List<Integer>, Augmented> augmented = new HashMap<>();
  private boolean batchesFail;
  private boolean closed;

  private record Augmented(OrtSession session, long classes) {}

  private FullGradExplainer(OnnxGraph graph, SaliencyOptions options) {
    this.graph = graph;
    this.options = options;
    this.sessions = new Sessions(options);
  }

  /**
   * Loads a model. When its input size is fixed the augmented model is built at once, so unsupported ops fail
   * here.
   *
   * @throws IOException when the file is missing or not a usable ONNX model
   * @throws UnsupportedOperationException when an op on the path to the logits cannot be differentiated (the
   *     message names the op, the node and the supported ops)
   * @throws OrtException when ONNX Runtime rejects the model
   */
  public static FullGradExplainer open(Path model, SaliencyOptions options) throws IOException, OrtException {
    FullGradExplainer e = new FullGradExplainer(OnnxGraph.read(model), options);
    long[] declared = e.graph.declaredInputShape();
    if (declared.length == 4 && declared[1] > 0 && declared[2] > 0 && declared[3] > 0) {
      synchronized (e) {
        e.augmentedFor((int) declared[1], (int) declared[2], (int) declared[3]);
      }
    }
    return e;
  }

  /**
   * Explains a batch.
   *
   * @param batch pre-processed images; split into runs of {@code options.batchSize()}
   * @param targetsOrNull the class to explain per image, -1 (or null for all) for the predicted class
   * @throws IllegalArgumentException when the targets do not fit the batch or the classes
   * @throws OrtException when ONNX Runtime fails (e.g. the image size does not fit the model)
   */
  public synchronized SaliencyResult explain(ImageTensor batch, int[] targetsOrNull) throws OrtException {
    if (closed) {
      throw new IllegalStateException("explainer is closed");
    }
    if (targetsOrNull != null && targetsOrNull.length != batch.n()) {
      throw new IllegalArgumentException("got " + targetsOrNull.length + " targets for a batch of " + batch.n());
    }
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Augmented a = augmentedFor(batch.c(), batch.h(), batch.w());
    int k = (int) a.classes();
    long[] request = new long[batch.n()];
    Arrays.fill(request, -1);
    if (targetsOrNull != null) {
      for (int i = 0; i < request.length; i++) {
        if (targetsOrNull[i] < -1 || targetsOrNull[i] >= k) {
          throw new IllegalArgumentException("target class " + targetsOrNull[i] + " of image " + i
              + " is outside 0.." + (k - 1) + " (or -1 for the predicted class)");
        }
        request[i] = targetsOrNull[i];
      }
    }
    int hw = batch.h() * batch.w();
    float[] logits = new float[batch.n() * k];
    int[] targets = new int[batch.n()];
    float[] maps = new float[batch.n() * hw];
    for (int from = 0; from < batch.n(); ) {
      int to = Math.min(batch.n(), from + (batchesFail ? 1 : options.batchSize()));
      try {
        run(a.session(), batch, from, to, request, k, logits, targets, maps);
        from = to;
      } catch (OrtException e) {
        if (to - from == 1) {
          throw e;
        }
        // Some exports bake batch size 1 into a Reshape; such a model still explains one image per run.
        LOG.warn("batched run failed ({}); running model {} one image at a time", e.getMessage(),
            graph.sha256());
        batchesFail = true;
      }
    }
    Provenance provenance = new Provenance(graph.sha256(), graph.originalOpset(), "FullGrad", sessions.device(),
        sessions.deviceNote(), options.intraOpThreads(), started, Duration.ofNanos(System.nanoTime() - t0),
        targets.clone(), targetsOrNull != null, sha256(batch.data()));
    return new SaliencyResult(logits, k, targets, maps, batch.n(), batch.h(), batch.w(), provenance);
  }

  /** Hex SHA-256 of the values as little-endian float32, copied in bulk (a per-value loop took as long as the digest). */
  static String sha256(float[] data) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      java.nio.FloatBuffer floats = chunk.asFloatBuffer();
      for (int from = 0; from < data.length; from += floats.capacity()) {
        int n = Math.min(floats.capacity(), data.length - from);
        floats.clear();
        floats.put(data, from, n);
        digest.update(chunk.array(), 0, n * Float.BYTES);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void run(OrtSession session, ImageTensor batch, int from, int to, long[] request, int k,
      float[] logits, int[] targets, float[] maps) throws OrtException {
    int n = to - from;
    int size = batch.imageSize();
    int hw = batch.h() * batch.w();
    var env = sessions.env();
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data(), from * size, n * size),
            new long[] {n, batch.c(), batch.h(), batch.w()});
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(request, from, n), new long[] {n});
        OrtSession.Result r = session.run(Map.of(graph.input(), x, FullGradGraph.TARGET_REQUEST, t),
            Set.of(FullGradGraph.LOGITS, FullGradGraph.TARGET, FullGradGraph.MAP))) {
      ((OnnxTensor) r.get(FullGradGraph.LOGITS).orElseThrow()).getFloatBuffer().get(logits, from * k, n * k);
      ((OnnxTensor) r.get(FullGradGraph.MAP).orElseThrow()).getFloatBuffer().get(maps, from * hw, n * hw);
      LongBuffer chosen = ((OnnxTensor) r.get(FullGradGraph.TARGET).orElseThrow()).getLongBuffer();
      for (int i = 0; i < n; i++) {
        targets[from + i] = (int) chosen.get(i);
      }
    }
  }

  private Augmented augmentedFor(int c, int h, int w) throws OrtException {
    List<Integer> key = List.of(c, h, w);
    Augmented a = augmented.get(key);
    if (a == null) {
      long t0 = System.nanoTime();
      FullGradGraph fg = FullGradGraph.build(graph, c, h, w, false);
      a = new Augmented(sessions.create(fg.model().toByteArray()), fg.classes());
      augmented.put(key, a);
      LOG.info("FullGrad graph for model {} at {}x{}x{}: {} bias layers, built in {} ms on {}", graph.sha256(),
          c, h, w, fg.biasLayers().size(), (System.nanoTime() - t0) / 1_000_000, sessions.device());
    }
    return a;
  }

  /** The device the sessions run on ({@code cpu} or {@code cuda}). */
  public String device() {
    return sessions.device();
  }

  /** Why the requested device is not used (empty when it is). */
  public String deviceNote() {
    return sessions.deviceNote();
  }

  /** Hex SHA-256 of the model file. */
  public String modelSha256() {
    return graph.sha256();
  }

  /** The model's ai.onnx opset. */
  public long opset() {
    return graph.originalOpset();
  }

  @Override
  public synchronized void close() throws OrtException {
    closed = true;
    OrtException first = null;
    for (Augmented a : augmented.values()) {
      try {
        a.session().close();
      } catch (OrtException e) {
        first = first == null ? e : first;
      }
    }
    augmented.clear();
    if (first != null) {
      throw first;
    }
  }
}
