package dev.vigil.monitor.signals;

import java.util.SplittableRandom;

/**
 * The first two principal components of a pooled sample, to draw two samples of embeddings on
 * one plane. Centred on the pooled mean; components by power iteration with deflation on the
 * implicit covariance {@code X^T X / (n - 1)} (never formed: O(n d) per step, fine for embeddings
 * of thousands of dimensions). Each component's sign is fixed so that its largest-magnitude
 * coordinate is positive, so projections are reproducible.
 */
public final class Pca {
  static final int MAX_ITERATIONS = 5000;
  /** Converged when successive unit vectors differ by less than this (Euclidean). */
  static final double TOLERANCE = 1e-12;

  private Pca() {}

  /**
   * @param components 2 x d unit vectors
   * @param variances the variance along each
   * @param totalVariance the pooled sample's total variance (trace of the covariance)
   * @param mean the pooled mean
   */
  public record Fit(double[][] components, double[] variances, double totalVariance, double[] mean) {
    /** Projects rows onto the two components: n x 2. */
    public float[][] project(float[][] rows) {
      float[][] out = new float[rows.length][2];
      for (int i = 0; i < rows.length; i++) {
        for (int c = 0; c < 2; c++) {
          double s = 0;
          for (int j = 0; j < mean.length; j++) {
            s += (rows[i][j] - mean[j]) * components[c][j];
          }
          out[i][c] = (float) s;
        }
      }
      return out;
    }

    /** Share of the total variance the two components explain. */
    public double explained() {
      return totalVariance == 0 ? 0 : (variances[0] + variances[1]) / totalVariance;
    }
  }

  /** Fits on the rows of {@code a} and {@code b} together. */
  public static Fit fit(float[][] a, float[][] b) {
    int n = a.length + b.length;
    int d = a[0].length;
    double[][] x = new double[n][];
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      float[] r = i < a.length ? a[i] : b[i - a.length];
      x[i] = new double[d];
      for (int j = 0; j < d; j++) {
        x[i][j] = r[j];
        mean[j] += r[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double total = 0;
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        r[j] -= mean[j];
        total += r[j] * r[j];
      }
    }
    total /= Math.max(1, n - 1);
    double[][] comps = new double[2][];
    double[] vars = new double[2];
    SplittableRandom rng = new SplittableRandom(42);
    for (int c = 0; c < 2; c++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) {
        v[j] = rng.nextDouble() - 0.5;
      }
      normalise(v);
      double lambda = 0;
      for (int it = 0; it < MAX_ITERATIONS; it++) {
        double[] w = covarianceTimes(x, v, n);
        for (int p = 0; p < c; p++) { // deflation: remove earlier components
          double dot = dot(w, comps[p]);
          for (int j = 0; j < d; j++) {
            w[j] -= dot * comps[p][j];
          }
        }
        double norm = Math.sqrt(dot(w, w));
        if (norm == 0) {
          break;
        }
        for (int j = 0; j < d; j++) {
          w[j] /= norm;
        }
        double sign = Math.signum(dot(v, w));
        double change = 0;
        for (int j = 0; j < d; j++) {
          change = Math.max(change, Math.abs(w[j] - sign * v[j]));
        }
        v = w;
        lambda = norm;
        if (change < TOLERANCE) {
          break;
        }
      }
      int big = 0;
      for (int j = 1; j < d; j++) {
        if (Math.abs(v[j]) > Math.abs(v[big])) {
          big = j;
        }
      }
      if (v[big] < 0) {
        for (int j = 0; j < d; j++) {
          v[j] = -v[j];
        }
      }
      comps[c] = v;
      vars[c] = lambda;
    }
    return new Fit(comps, vars, total, mean);
  }

  private static double[] covarianceTimes(double[][] x, double[] v, int n) {
    int d = v.length;
    double[] out = new double[d];
    for (double[] r : x) {
      double s = dot(r, v);
      for (int j = 0; j < d; j++) {
        out[j] += s * r[j];
      }
    }
    for (int j = 0; j < d; j++) {
      out[j] /= Math.max(1, n - 1);
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void normalise(double[] v) {
    double n = Math.sqrt(dot(v, v));
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
  }
}
