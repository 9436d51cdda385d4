package dev.vigil.demo.train;

import java.util.HashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019):
 * <pre>
 * m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
 * w = w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) - lr wd w
 * </pre>
 * Decay applies to convolution and Gemm weights only, not to biases or batch-normalization scales.
 *
 * <p>Not thread-safe; one per training run.
 */
final class AdamW {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final double weightDecay;
  private final Map<String, float[]> firstMoment = new HashMap<>();
  private final Map<String, float[]> secondMoment = new HashMap<>();
  private int step;

  AdamW(double weightDecay) {
    this.weightDecay = weightDecay;
  }

  /** Starts the next step; call once before the {@link #update}s of a step. */
  void nextStep() {
    step++;
  }

  /** Updates {@code weights} in place from their gradient. */
  void update(String name, float[] weights, float[] gradient, double learningRate) {
    float[] m = firstMoment.computeIfAbsent(name, k -> new float[weights.length]);
    float[] v = secondMoment.computeIfAbsent(name, k -> new float[weights.length]);
    double correction1 = 1 - Math.pow(BETA1, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    double decay = decays(name) ? learningRate * weightDecay : 0;
    for (int i = 0; i < weights.length; i++) {
      double g = gradient[i];
      m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g);
      v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g * g);
      double mHat = m[i] / correction1;
      double vHat = v[i] / correction2;
      weights[i] = (float) (weights[i] - learningRate * mHat / (Math.sqrt(vHat) + EPSILON) - decay * weights[i]);
    }
  }

  private static boolean decays(String name) {
    return name.endsWith("conv.weight") || name.endsWith("fc.weight");
  }
}
