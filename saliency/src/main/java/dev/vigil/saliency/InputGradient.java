package dev.vigil.saliency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vigil.saliency.autodiff.InputGradientGraph;
import dev.vigil.saliency.autodiff.OnnxGraph;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradients of a classifier's score with respect to its input, dL/dx, computed by ONNX Runtime from the model
 * augmented with its backward pass (e.g. for projected gradient descent attacks in the demo).
 *
 * <p>Thread-safe: runs are serialised per instance.
 */
public final class InputGradient implements AutoCloseable {

  /** What L is, per image with target class t. */
  public enum Objective {
    /** L = z_t, the target's pre-softmax score. */
    LOGIT,
    /** L = log softmax(z)_t, the target's log-probability (minus the cross-entropy loss). */
    LOG_PROBABILITY
  }

  /**
   * Gradients for a batch.
   *
   * @param logits N x numClasses pre-softmax scores
   * @param numClasses classes
   * @param targets the class per image
   * @param gradient dL/dx, N x C x H x W like the input
   */
  public record Result(float[] logits, int numClasses, int[] targets, ImageTensor gradient) {}

  private final OnnxGraph graph;
  private final Objective objective;
  private final Sessions sessions;
  // Guarded by this.
  private final Map<List<Integer>, OrtSession> augmented = new HashMap<>();

  private InputGradient(OnnxGraph graph, SaliencyOptions options, Objective objective) {
    this.graph = graph;
    this.objective = objective;
    this.sessions = new Sessions(options);
  }

  /**
   * Loads a model.
   *
   * @throws IOException when the file is missing or not a usable ONNX model
   */
  public static InputGradient open(Path model, SaliencyOptions options, Objective objective) throws IOException {
    return new InputGradient(OnnxGraph.read(model), options, objective);
  }

  /**
   * dL/dx for every image of the batch, in one run.
   *
   * @param targetsOrNull class per image (-1 or null: the predicted class)
   * @throws UnsupportedOperationException when an op on the path to the logits cannot be differentiated
   * @throws OrtException when ONNX Runtime fails
   */
  public synchronized Result gradient(ImageTensor x, int[] targetsOrNull) throws OrtException {
    List<Integer> key = List.of(x.c(), x.h(), x.w());
    OrtSession session = augmented.get(key);
    if (session == null) {
      session = sessions.create(InputGradientGraph.build(graph, x.c(), x.h(), x.w(),
          objective == Objective.LOG_PROBABILITY).toByteArray());
      augmented.put(key, session);
    }
    long[] request = new long[x.n()];
    Arrays.fill(request, -1);
    if (targetsOrNull != null) {
      if (targetsOrNull.length != x.n()) {
        throw new IllegalArgumentException("got " + targetsOrNull.length + " targets for a batch of " + x.n());
      }
      for (int i = 0; i < x.n(); i++) {
        if (targetsOrNull[i] < -1) {
          throw new IllegalArgumentException("target class " + targetsOrNull[i] + " of image " + i
              + " is negative (-1 means the predicted class)");
        }
        request[i] = targetsOrNull[i];
      }
    }
    var env = sessions.env();
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(request), new long[] {x.n()});
        OrtSession.Result r = session.run(Map.of(graph.input(), in, InputGradientGraph.TARGET_REQUEST, t),
            Set.of(InputGradientGraph.LOGITS, InputGradientGraph.TARGET, InputGradientGraph.GRADIENT))) {
      OnnxTensor logitsTensor = (OnnxTensor) r.get(InputGradientGraph.LOGITS).orElseThrow();
      int k = (int) logitsTensor.getInfo().getShape()[1];
      float[] logits = new float[x.n() * k];
      logitsTensor.getFloatBuffer().get(logits);
      LongBuffer chosen = ((OnnxTensor) r.get(InputGradientGraph.TARGET).orElseThrow()).getLongBuffer();
      int[] targets = new int[x.n()];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = (int) chosen.get(i);
        if (targets[i] < 0 || targets[i] >= k) {
          throw new IllegalArgumentException("target class " + targets[i] + " of image " + i + " is outside 0.."
              + (k - 1));
        }
      }
      float[] g = new float[x.data().length];
      ((OnnxTensor) r.get(InputGradientGraph.GRADIENT).orElseThrow()).getFloatBuffer().get(g);
      return new Result(logits, k, targets, new ImageTensor(g, x.n(), x.c(), x.h(), x.w()));
    }
  }

  @Override
  public synchronized void close() throws OrtException {
    for (OrtSession s : augmented.values()) {
      s.close();
    }
    augmented.clear();
  }
}
