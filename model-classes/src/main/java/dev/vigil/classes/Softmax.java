package dev.vigil.classes;

/**
 * Logits to probabilities, {@code p_i = exp(z_i - m) / sum_j exp(z_j - m)} with {@code m = max z}:
 * subtracting the maximum leaves p unchanged and keeps {@code exp} from overflowing on large
 * logits. Computed in double whatever the input type, so the monitor, the model server and
 * saliency agree to the last float.
 */
public final class Softmax {
  private Softmax() {}

  /** Soft-max of {@code z}, in place. */
  public static void inPlace(double[] z) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - m);
      sum += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= sum;
    }
  }

  /** Soft-max of {@code logits[offset .. offset + length)} (e.g. one row of a batch). */
  public static double[] of(float[] logits, int offset, int length) {
    double[] p = new double[length];
    for (int i = 0; i < length; i++) {
      p[i] = logits[offset + i];
    }
    inPlace(p);
    return p;
  }

  /** Soft-max of a whole logit vector, as float32 like the model's own outputs. */
  public static float[] of(float[] logits) {
    double[] p = of(logits, 0, logits.length);
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (float) p[i];
    }
    return out;
  }
}
