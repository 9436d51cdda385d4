package dev.vigil.monitor.signals;

import java.util.Arrays;

/**
 * The two-sample Kolmogorov-Smirnov test: {@code D = sup_t |F_x(t) - F_y(t)|} and its asymptotic
 * p-value {@code Q_KS(sqrt(m n / (m + n)) D)}, with Kolmogorov's limiting distribution {@code
 * Q_KS(lambda) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2)} (SciPy's {@code
 * scipy.special.kolmogorov}; Numerical Recipes 14.3). The asymptotic form is accurate for the
 * hundreds of points a window sample holds.
 */
public final class KolmogorovSmirnov {
  private KolmogorovSmirnov() {}

  /** @param d the statistic, @param pValue its two-sided asymptotic p-value */
  public record Result(double d, double pValue) {}

  /** Tests whether {@code x} and {@code y} come from the same distribution. */
  public static Result test(double[] x, double[] y) {
    if (x.length == 0 || y.length == 0) {
      throw new IllegalArgumentException("KS needs non-empty samples, got " + x.length + " and " + y.length);
    }
    double[] a = x.clone();
    double[] b = y.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double t = Math.min(a[i], b[j]);
      while (i < a.length && a[i] <= t) {
        i++;
      }
      while (j < b.length && b[j] <= t) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    double en = (double) a.length * b.length / (a.length + b.length);
    return new Result(d, kolmogorov(Math.sqrt(en) * d));
  }

  /** The survival function of Kolmogorov's limiting distribution. */
  public static double kolmogorov(double lambda) {
    if (lambda < 0.2) {
      return 1.0; // the series converges slowly here and the value is 1 to 1e-16
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * lambda * lambda);
      sum += (k % 2 == 1 ? term : -term);
      if (term < 1e-17) {
        break;
      }
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }
}
