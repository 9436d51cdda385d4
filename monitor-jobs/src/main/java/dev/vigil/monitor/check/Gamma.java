package dev.vigil.monitor.check;

/**
 * Regularised incomplete gamma functions for the chi-square survival function, after Press,
 * Teukolsky, Vetterling &amp; Flannery, <i>Numerical Recipes</i> 3rd ed., section 6.2 ({@code gser},
 * {@code gcf}), and Lanczos' approximation of {@code ln Gamma} (ibid. 6.1, g = 5, n = 6).
 */
final class Gamma {
  private static final int ITMAX = 1000;
  private static final double EPS = 1e-15;
  private static final double FPMIN = Double.MIN_NORMAL / EPS;
  private static final double[] COF = {
    76.18009172947146, -86.50532032941677, 24.01409824083091,
    -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5
  };

  private Gamma() {}

  /** {@code ln Gamma(x)}, x > 0. */
  static double lnGamma(double x) {
    double y = x;
    double tmp = x + 5.5;
    tmp -= (x + 0.5) * Math.log(tmp);
    double ser = 1.000000000190015;
    for (double c : COF) {
      ser += c / ++y;
    }
    return -tmp + Math.log(2.5066282746310005 * ser / x);
  }

  /** Upper regularised incomplete gamma {@code Q(a, x) = Gamma(a, x) / Gamma(a)}. */
  static double q(double a, double x) {
    if (x < 0 || a <= 0) {
      throw new IllegalArgumentException("Q(a, x) needs a > 0 and x >= 0, got a=" + a + " x=" + x);
    }
    if (x == 0) {
      return 1.0;
    }
    return x < a + 1 ? 1.0 - series(a, x) : continuedFraction(a, x);
  }

  /** P(a, x) by its series; converges fast for x < a + 1. */
  private static double series(double a, double x) {
    double ap = a;
    double del = 1.0 / a;
    double sum = del;
    for (int n = 0; n < ITMAX; n++) {
      ap++;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }

  /** Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1. */
  private static double continuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1.0 / FPMIN;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i <= ITMAX; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = b + an / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1.0 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1.0) < EPS) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
  }

  /** Chi-square survival function {@code P(X >= chi2)} for {@code df} degrees of freedom. */
  static double chiSquareSurvival(double chi2, int df) {
    return q(df / 2.0, chi2 / 2.0);
  }
}
