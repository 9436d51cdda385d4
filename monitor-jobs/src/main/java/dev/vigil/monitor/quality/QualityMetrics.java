package dev.vigil.monitor.quality;

import dev.vigil.classes.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification metrics from a confusion matrix {@code C} (row = true class, column =
 * predicted): accuracy {@code trace(C) / sum(C)}; per class {@code P = C[c][c] / colsum(c)},
 * {@code R = C[c][c] / rowsum(c)}, {@code F1 = 2PR / (P + R)}; macro-F1 the unweighted mean F1
 * over the classes that occur as a label or a prediction. Undefined ratios follow scikit-learn's
 * {@code zero_division=0} inside F1 and the mean, and are reported as null per class.
 *
 * @param accuracy null for an empty matrix
 * @param macroF1 null for an empty matrix
 * @param classes classes with support or predictions, by index
 */
public record QualityMetrics(Double accuracy, Double macroF1, List<ClassQuality> classes) {

  /** The metrics of a square matrix. */
  public static QualityMetrics of(long[][] c, Labels labels) {
    int k = c.length;
    long total = 0;
    long correct = 0;
    long[] rows = new long[k];
    long[] cols = new long[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        total += c[i][j];
        rows[i] += c[i][j];
        cols[j] += c[i][j];
      }
      correct += c[i][i];
    }
    if (total == 0) {
      return new QualityMetrics(null, null, List.of());
    }
    List<ClassQuality> classes = new ArrayList<>();
    double f1Sum = 0;
    int present = 0;
    for (int i = 0; i < k; i++) {
      if (rows[i] == 0 && cols[i] == 0) {
        continue;
      }
      Double p = cols[i] == 0 ? null : (double) c[i][i] / cols[i];
      Double r = rows[i] == 0 ? null : (double) c[i][i] / rows[i];
      double pp = p == null ? 0 : p;
      double rr = r == null ? 0 : r;
      double f1 = pp + rr == 0 ? 0 : 2 * pp * rr / (pp + rr);
      classes.add(new ClassQuality(i, labels.name(i), rows[i], cols[i], p, r, f1));
      f1Sum += f1;
      present++;
    }
    return new QualityMetrics((double) correct / total, f1Sum / present, List.copyOf(classes));
  }
}
