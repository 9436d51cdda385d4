package dev.vigil.monitor.signals;

/**
 * Black-box shift detection (Lipton, Wang, Smola, ICML 2018) as evaluated by Rabanser, Guennemann
 * and Lipton ("Failing Loudly", NeurIPS 2019): a two-sample Kolmogorov-Smirnov test on each
 * soft-max dimension, aggregated with the Bonferroni correction, {@code p = min(1, K min_k p_k)}.
 */
public final class Bbsd {
  private Bbsd() {}

  /**
   * @param pValue the Bonferroni-corrected p-value
   * @param dimension the soft-max dimension (class index) with the smallest p-value
   * @param d its KS statistic
   */
  public record Result(double pValue, int dimension, double d) {}

  /** Tests soft-max outputs {@code x} (rows) against {@code y}. */
  public static Result test(float[][] x, float[][] y) {
    int k = x[0].length;
    if (y[0].length != k) {
      throw new IllegalArgumentException("soft-max outputs have " + k + " and " + y[0].length + " classes");
    }
    double best = 1;
    int bestDim = 0;
    double bestD = 0;
    for (int c = 0; c < k; c++) {
      KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(column(x, c), column(y, c));
      if (r.pValue() < best || c == 0) {
        best = r.pValue();
        bestDim = c;
        bestD = r.d();
      }
    }
    return new Result(Math.min(1, k * best), bestDim, bestD);
  }

  private static double[] column(float[][] rows, int c) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][c];
    }
    return out;
  }
}
