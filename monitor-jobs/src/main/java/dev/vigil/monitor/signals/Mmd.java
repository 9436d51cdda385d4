package dev.vigil.monitor.signals;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Maximum mean discrepancy between two samples of embeddings, with a Gaussian (RBF) kernel and a
 * permutation test (Gretton, Borgwardt, Rasch, Schoelkopf, Smola, "A Kernel Two-Sample Test",
 * JMLR 2012; the same test as Alibi Detect's MMDDrift).
 *
 * <p>Kernel {@code k(a, b) = exp(-||a - b||^2 / (2 sigma^2))}; {@code sigma} by the median
 * heuristic: the median Euclidean distance between distinct points of the pooled sample.
 * Statistic: the unbiased estimator (Gretton et al., Lemma 6)
 *
 * <pre>
 * MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
 *           - 2/(mn) sum_{i, j} k(x_i, y_j)
 * </pre>
 *
 * <p>p-value: the pooled sample is split at random {@code permutations} times and the statistic
 * recomputed from the same kernel matrix; {@code p = (1 + #{MMD^2_perm >= MMD^2}) / (1 +
 * permutations)}, which is a valid p-value for any number of permutations. Seeded: the same
 * inputs and seed give the same p-value. Cost: one (m+n)^2 kernel matrix, then O((m+n)^2) per
 * permutation.
 */
public final class Mmd {
  private Mmd() {}

  /**
   * @param mmd2 the unbiased MMD^2 (may be slightly negative when the samples agree)
   * @param sigma the kernel bandwidth used
   * @param pValue permutation p-value
   * @param permutations how many permutations were drawn
   */
  public record Result(double mmd2, double sigma, double pValue, int permutations) {}

  /**
   * Tests {@code x} against {@code y} (rows are points of the same dimension).
   *
   * @throws IllegalArgumentException when a sample has fewer than 2 points or dimensions differ
   */
  public static Result test(float[][] x, float[][] y, int permutations, long seed) {
    int m = x.length;
    int n = y.length;
    if (m < 2 || n < 2) {
      throw new IllegalArgumentException("MMD needs at least 2 points per sample, got " + m + " and " + n);
    }
    float[][] pooled = new float[m + n][];
    System.arraycopy(x, 0, pooled, 0, m);
    System.arraycopy(y, 0, pooled, m, n);
    double[][] d2 = squaredDistances(pooled);
    double sigma = medianDistance(d2);
    double[][] k = kernel(d2, sigma);
    int[] order = new int[m + n];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double observed = statistic(k, order, m);
    SplittableRandom rng = new SplittableRandom(seed);
    // A split equal to the observed one (itself, or its mirror when m = n) sums in another order: count
    // it as a tie, not as smaller by round-off.
    double tie = observed - 1e-12 * Math.max(1, Math.abs(observed));
    int atLeast = 0;
    for (int p = 0; p < permutations; p++) {
      for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      if (statistic(k, order, m) >= tie) {
        atLeast++;
      }
    }
    return new Result(observed, sigma, (1.0 + atLeast) / (1.0 + permutations), permutations);
  }

  /** The unbiased MMD^2 of {@code x} vs {@code y} at bandwidth {@code sigma} (for tests). */
  public static double mmd2(float[][] x, float[][] y, double sigma) {
    float[][] pooled = new float[x.length + y.length][];
    System.arraycopy(x, 0, pooled, 0, x.length);
    System.arraycopy(y, 0, pooled, x.length, y.length);
    int[] order = new int[pooled.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return statistic(kernel(squaredDistances(pooled), sigma), order, x.length);
  }

  /** The median heuristic's bandwidth of the pooled sample (for tests). */
  public static double medianBandwidth(float[][] x, float[][] y) {
    float[][] pooled = new float[x.length + y.length][];
    System.arraycopy(x, 0, pooled, 0, x.length);
    System.arraycopy(y, 0, pooled, x.length, y.length);
    return medianDistance(squaredDistances(pooled));
  }

  /** MMD^2_u of the split: points {@code order[0..m)} against {@code order[m..)}. */
  private static double statistic(double[][] k, int[] order, int m) {
    int n = order.length - m;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int a = 0; a < order.length; a++) {
      double[] row = k[order[a]];
      boolean aInX = a < m;
      for (int b = a + 1; b < order.length; b++) {
        double v = row[order[b]];
        boolean bInX = b < m;
        if (aInX && bInX) {
          xx += v;
        } else if (!aInX && !bInX) {
          yy += v;
        } else {
          xy += v;
        }
      }
    }
    // Sums over i < j: twice that over i != j.
    return 2 * xx / ((double) m * (m - 1)) + 2 * yy / ((double) n * (n - 1)) - 2 * xy / ((double) m * n);
  }

  private static double[][] squaredDistances(float[][] p) {
    int dim = p[0].length;
    double[][] d2 = new double[p.length][p.length];
    for (int i = 0; i < p.length; i++) {
      if (p[i].length != dim) {
        throw new IllegalArgumentException("points have different dimensions: " + dim + " and " + p[i].length);
      }
      for (int j = i + 1; j < p.length; j++) {
        double s = 0;
        for (int c = 0; c < dim; c++) {
          double diff = (double) p[i][c] - p[j][c];
          s += diff * diff;
        }
        d2[i][j] = s;
        d2[j][i] = s;
      }
    }
    return d2;
  }

  /** Median over i < j of the Euclidean distance (numpy's median: mean of the middle two); 1 when all coincide. */
  private static double medianDistance(double[][] d2) {
    int n = d2.length;
    double[] all = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        all[k++] = Math.sqrt(d2[i][j]);
      }
    }
    Arrays.sort(all);
    int len = all.length;
    double med = len % 2 == 1 ? all[len / 2] : (all[len / 2 - 1] + all[len / 2]) / 2;
    return med > 0 ? med : 1.0;
  }

  private static double[][] kernel(double[][] d2, double sigma) {
    double gamma = 1.0 / (2 * sigma * sigma);
    double[][] k = new double[d2.length][d2.length];
    for (int i = 0; i < d2.length; i++) {
      for (int j = 0; j < d2.length; j++) {
        k[i][j] = Math.exp(-gamma * d2[i][j]);
      }
    }
    return k;
  }
}
