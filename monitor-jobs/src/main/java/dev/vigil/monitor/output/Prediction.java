package dev.vigil.monitor.output;

import java.util.Arrays;

/**
 * One item's prediction, reduced to what the monitor needs: the top classes in descending order
 * of score and, when the response held a whole distribution, its entropy.
 *
 * @param topClasses class indices, best first (at least one)
 * @param topScores scores of {@code topClasses} (probabilities after the optional soft-max), or
 *     an empty array when the format carries no confidence (class-index)
 * @param entropy Shannon entropy {@code H = -sum_i p_i ln p_i} in nats of the normalised
 *     distribution, or {@code NaN} when only part of the distribution is known (top-k, class-index)
 */
public record Prediction(int[] topClasses, double[] topScores, double entropy) {
  /** How many top classes are kept per prediction (top-1..top-3 feed the statistics). */
  public static final int KEPT = 3;

  public Prediction {
    if (topClasses.length == 0) {
      throw new IllegalArgumentException("a prediction needs at least one class");
    }
    if (topScores.length != 0 && topScores.length != topClasses.length) {
      throw new IllegalArgumentException("topScores must be empty or match topClasses");
    }
  }

  /** The predicted (top-1) class index. */
  public int top1Class() {
    return topClasses[0];
  }

  /** Whether the prediction carries a confidence. */
  public boolean hasConfidence() {
    return topScores.length > 0;
  }

  /** The top-{@code rank} score (rank 1-based), or NaN when absent. */
  public double score(int rank) {
    return rank <= topScores.length ? topScores[rank - 1] : Double.NaN;
  }

  /** A prediction from a bare class index: no confidence. */
  public static Prediction classOnly(int classIndex) {
    return new Prediction(new int[] {classIndex}, new double[0], Double.NaN);
  }

  /**
   * Reduces a full score vector: one pass for the top {@link #KEPT} classes, one for the entropy.
   * Ties keep the lower index first so the result does not depend on anything but the vector.
   */
  public static Prediction fromVector(double[] p) {
    if (p.length > OutputParser.MAX_CLASSES) {
      throw new IllegalArgumentException(
          "score vector has " + p.length + " classes, more than " + OutputParser.MAX_CLASSES);
    }
    int k = Math.min(KEPT, p.length);
    int[] idx = new int[k];
    double[] val = new double[k];
    Arrays.fill(val, Double.NEGATIVE_INFINITY);
    Arrays.fill(idx, -1);
    for (int i = 0; i < p.length; i++) {
      double v = p[i];
      if (v > val[k - 1] || idx[k - 1] < 0) {
        int j = k - 1;
        while (j > 0 && (v > val[j - 1] || idx[j - 1] < 0)) {
          val[j] = val[j - 1];
          idx[j] = idx[j - 1];
          j--;
        }
        val[j] = v;
        idx[j] = i;
      }
    }
    return new Prediction(idx, val, entropy(p));
  }

  /**
   * Shannon entropy in nats of {@code p / sum(p)}, with {@code 0 ln 0 = 0}. Normalising first
   * keeps the figure meaningful for vectors that sum to almost (not exactly) one.
   */
  static double entropy(double[] p) {
    double sum = 0;
    for (double v : p) {
      if (v < 0 || Double.isNaN(v)) {
        return Double.NaN; // not a distribution (raw logits without softmax)
      }
      sum += v;
    }
    if (sum <= 0) {
      return Double.NaN;
    }
    double h = 0;
    for (double v : p) {
      if (v > 0) {
        double pi = v / sum;
        h -= pi * Math.log(pi);
      }
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction other
        && Arrays.equals(topClasses, other.topClasses)
        && Arrays.equals(topScores, other.topScores)
        && Double.compare(entropy, other.entropy) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(topClasses) + Arrays.hashCode(topScores);
  }

  @Override
  public String toString() {
    return "Prediction[topClasses=" + Arrays.toString(topClasses) + ", topScores="
        + Arrays.toString(topScores) + ", entropy=" + entropy + "]";
  }
}
