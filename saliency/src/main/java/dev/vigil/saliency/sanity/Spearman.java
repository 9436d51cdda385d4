package dev.vigil.saliency.sanity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
 * (the usual definition, e.g. {@code scipy.stats.spearmanr}).
 */
public final class Spearman {
  private Spearman() {}

  /**
   * The rank correlation of two equally long samples, in [-1, 1]; NaN when either is constant
   * (its ranks have no variance) or the samples are shorter than 2.
   */
  public static double correlation(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "samples differ in length: " + a.length + " vs " + b.length);
    }
    if (a.length < 2) {
      return Double.NaN;
    }
    return pearson(ranks(a), ranks(b));
  }

  /** 1-based ranks, ties averaged. */
  static double[] ranks(float[] x) {
    Integer[] order = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
    double[] ranks = new double[x.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && Float.compare(x[order[j + 1]], x[order[i]]) == 0) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = rank;
      }
      i = j + 1;
    }
    return ranks;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
