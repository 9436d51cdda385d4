package dev.vigil.monitor.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A calibration map from top-1 confidence to the probability that the prediction is right: an
 * isotonic (non-decreasing) regression of "correct" (0/1) on confidence, fitted by
 * pool-adjacent-violators (Ayer et al. 1955; Barlow et al. 1972), evaluated as scikit-learn's
 * {@code IsotonicRegression} does: linear interpolation between the fitted points, clipped to the
 * first and last value outside them. NannyML's CBPE uses it to estimate accuracy without labels:
 * the expected accuracy of a set of predictions is the mean calibrated confidence.
 *
 * @param x the fitted points' confidences, strictly increasing
 * @param y the fitted values, non-decreasing, in [0, 1]
 * @param n the number of labelled predictions it was fitted on
 */
public record Calibration(List<Double> x, List<Double> y, long n) {
  public Calibration {
    x = List.copyOf(x);
    y = List.copyOf(y);
    if (x.size() != y.size() || x.isEmpty()) {
      throw new IllegalArgumentException("a calibration needs as many values as points, at least one");
    }
  }

  /** The calibrated probability of being right at confidence {@code c}. */
  public double apply(double c) {
    int last = x.size() - 1;
    if (!(c > x.get(0))) {
      return y.get(0);
    }
    if (c >= x.get(last)) {
      return y.get(last);
    }
    int lo = 0;
    int hi = last;
    while (hi - lo > 1) { // x[lo] < c < x[hi]
      int mid = (lo + hi) >>> 1;
      if (x.get(mid) <= c) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double x0 = x.get(lo);
    double x1 = x.get(hi);
    double t = (c - x0) / (x1 - x0);
    return y.get(lo) + t * (y.get(hi) - y.get(lo));
  }

  /**
   * Weighted isotonic regression of {@code ys} on {@code xs} (non-decreasing).
   *
   * <p>Ties in {@code x} are pooled first (weighted mean of their y, sum of their weights), as
   * scikit-learn does; then PAV merges adjacent blocks while a block's mean is above the next
   * one's. Each block's value is the weighted mean {@code sum(w y) / sum(w)} of its points.
   *
   * @param ws weights, positive
   * @param n the number of predictions behind the points (recorded, not used)
   * @throws IllegalArgumentException for empty or mismatched arrays, or a weight that is not positive
   */
  public static Calibration fit(double[] xs, double[] ys, double[] ws, long n) {
    int m = xs.length;
    if (m == 0 || ys.length != m || ws.length != m) {
      throw new IllegalArgumentException("isotonic regression needs matching, non-empty x, y and w");
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      if (!(ws[i] > 0)) {
        throw new IllegalArgumentException("weight " + i + " is " + ws[i] + "; weights must be positive");
      }
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(xs[a], xs[b]));
    // Pool ties: unique x with weighted mean y.
    double[] ux = new double[m];
    double[] uy = new double[m]; // sum of w*y until divided
    double[] uw = new double[m];
    int u = -1;
    for (int k = 0; k < m; k++) {
      int i = order[k];
      if (u < 0 || xs[i] != ux[u]) {
        u++;
        ux[u] = xs[i];
      }
      uy[u] += ws[i] * ys[i];
      uw[u] += ws[i];
    }
    int count = u + 1;
    // PAV over the unique points: blocks on a stack, each with its weighted sum and weight.
    double[] sum = new double[count];
    double[] weight = new double[count];
    int[] end = new int[count]; // last unique index of the block (inclusive)
    int blocks = 0;
    for (int i = 0; i < count; i++) {
      sum[blocks] = uy[i];
      weight[blocks] = uw[i];
      end[blocks] = i;
      blocks++;
      while (blocks > 1 && sum[blocks - 2] / weight[blocks - 2] > sum[blocks - 1] / weight[blocks - 1]) {
        sum[blocks - 2] += sum[blocks - 1];
        weight[blocks - 2] += weight[blocks - 1];
        end[blocks - 2] = end[blocks - 1];
        blocks--;
      }
    }
    List<Double> px = new ArrayList<>(count);
    List<Double> py = new ArrayList<>(count);
    int start = 0;
    for (int b = 0; b < blocks; b++) {
      double value = sum[b] / weight[b];
      for (int i = start; i <= end[b]; i++) {
        px.add(ux[i]);
        py.add(value);
      }
      start = end[b] + 1;
    }
    return new Calibration(px, py, n);
  }
}
