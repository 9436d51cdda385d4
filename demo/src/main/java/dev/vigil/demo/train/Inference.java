package dev.vigil.demo.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.vigil.demo.signs.SignBatch;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.Map;

/** Accuracy of a SignNet model on generated images, with ONNX Runtime. */
public final class Inference {

  private static final int BATCH = 128;

  private Inference() {}

  /**
   * The share of {@code batch}'s images whose arg-max class is their label.
   *
   * @throws OrtException when ONNX Runtime rejects the model
   */
  public static double accuracy(byte[] model, SignBatch batch, int threads) throws OrtException {
    OrtEnvironment env = OrtEnvironments.get();
    int image = batch.c() * batch.h() * batch.w();
    long correct = 0;
    try (OrtSession.SessionOptions options = options(threads);
        OrtSession session = env.createSession(model, options)) {
      String input = session.getInputNames().iterator().next();
      for (int from = 0; from < batch.n(); from += BATCH) {
        int n = Math.min(BATCH, batch.n() - from);
        FloatBuffer pixels = FloatBuffer.wrap(batch.data(), from * image, n * image).slice();
        try (OnnxTensor x = OnnxTensor.createTensor(env, pixels, new long[] {n, batch.c(), batch.h(), batch.w()});
            OrtSession.Result r = session.run(Map.of(input, x))) {
          FloatBuffer logits = ((OnnxTensor) r.get(0)).getFloatBuffer();
          float[] z = new float[logits.remaining()];
          logits.get(z);
          int[] labels = java.util.Arrays.copyOfRange(batch.labels(), from, from + n);
          correct += correct(z, labels, z.length / n);
        }
      }
    }
    return batch.n() == 0 ? 0 : (double) correct / batch.n();
  }

  /** How many rows of {@code logits} ([n, classes]) have their arg-max at the label. */
  static int correct(float[] logits, int[] labels, int classes) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (logits[i * classes + k] > logits[i * classes + best]) {
          best = k;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return correct;
  }

  static OrtSession.SessionOptions options(int threads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(threads);
    options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    return options;
  }
}
