package dev.vigil.monitor.check;

/**
 * Distances between two top-1 class distributions over the same K classes.
 *
 * <p><b>Zero bins.</b> PSI and chi-square divide by a share that may be zero (a class never
 * predicted in the baseline or the window). Both use additive smoothing with a pseudo-count of
 * {@link #ALPHA} = 0.5 per class (Jeffreys prior): {@code p_c = (n_c + alpha) / (n + alpha K)}.
 * L-infinity and Jensen-Shannon are defined with zero bins ({@code 0 ln 0 = 0}) and use raw shares.
 */
public final class Distances {
  /** Pseudo-count added to every class before PSI and chi-square. */
  public static final double ALPHA = 0.5;

  private Distances() {}

  /** {@code max_c |p_c - q_c|}. */
  public static double lInfinity(double[] p, double[] q) {
    double d = 0;
    for (int c = 0; c < p.length; c++) {
      d = Math.max(d, Math.abs(p[c] - q[c]));
    }
    return d;
  }

  /**
   * Jensen-Shannon divergence in bits (Lin 1991): {@code JS = 1/2 KL(P||M) + 1/2 KL(Q||M)}, {@code
   * M = (P + Q) / 2}; in [0, 1].
   */
  public static double jensenShannon(double[] p, double[] q) {
    double js = 0;
    for (int c = 0; c < p.length; c++) {
      double m = (p[c] + q[c]) / 2;
      if (p[c] > 0) {
        js += 0.5 * p[c] * log2(p[c] / m);
      }
      if (q[c] > 0) {
        js += 0.5 * q[c] * log2(q[c] / m);
      }
    }
    return Math.max(0, js);
  }

  /**
   * Population stability index {@code PSI = sum_c (p_c - q_c) ln(p_c / q_c)} on smoothed shares.
   *
   * @param windowCounts {@code n_c} per class of the window
   * @param baselineCounts per class of the baseline
   */
  public static double psi(long[] windowCounts, long[] baselineCounts) {
    double[] p = smoothed(windowCounts);
    double[] q = smoothed(baselineCounts);
    double psi = 0;
    for (int c = 0; c < p.length; c++) {
      psi += (p[c] - q[c]) * Math.log(p[c] / q[c]);
    }
    return psi;
  }

  /**
   * Pearson's chi-square goodness of fit of the window counts to the smoothed baseline shares:
   * {@code X^2 = sum_c (O_c - E_c)^2 / E_c}, {@code E_c = n q_c}, {@code df = K - 1}; p-value
   * {@code = Q(df / 2, X^2 / 2)}.
   *
   * @return {@code {X^2, df, pValue}}
   */
  public static double[] chiSquare(long[] windowCounts, long[] baselineCounts) {
    long n = 0;
    for (long o : windowCounts) {
      n += o;
    }
    double[] q = smoothed(baselineCounts);
    double x2 = 0;
    for (int c = 0; c < q.length; c++) {
      double e = n * q[c];
      double d = windowCounts[c] - e;
      x2 += d * d / e;
    }
    int df = Math.max(1, q.length - 1);
    return new double[] {x2, df, n == 0 ? 1.0 : Gamma.chiSquareSurvival(x2, df)};
  }

  /** {@code (n_c + alpha) / (n + alpha K)}. */
  static double[] smoothed(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double[] p = new double[counts.length];
    double denominator = n + ALPHA * counts.length;
    for (int c = 0; c < counts.length; c++) {
      p[c] = (counts[c] + ALPHA) / denominator;
    }
    return p;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
