package dev.vigil.monitor.quality;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.truth.GroundTruth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joins a window's predictions to their labels as they stream by, and estimates the window's
 * accuracy from calibrated confidence: a confusion matrix, a binned reliability table (for the
 * window's own calibration) and fixed-point sums of calibrated confidence. Nothing kept per record.
 *
 * <p>Sums are fixed point ({@link #SCALE}) like {@code StatisticsAccumulator}'s, so the figures do
 * not depend on read order. The calibration is fitted on {@value #CALIBRATION_BINS} equal-width
 * confidence bins, each a point at the mean confidence of its predictions, weighted by their number.
 *
 * <p>Not thread-safe: one per reading thread, combined with {@link #merge}; the {@link
 * GroundTruth} and {@link Calibration} are shared read-only.
 */
public final class QualityAccumulator {
  /** Confidence bins of the reliability table. */
  public static final int CALIBRATION_BINS = 1000;
  /** Above this many classes the confusion matrix is left out of the report (its size grows as K^2). */
  public static final int CONFUSION_MAX_CLASSES = 100;
  static final double SCALE = 1e9;

  private final GroundTruth truth;
  private final Calibration calibration;
  private final String source;
  private long[][] confusion = new long[0][0];
  private long labelled;
  private long batched;
  private long estimateN;
  private long estimateSum; // fixed point
  private long estimateLabelledSum; // fixed point, over labelled predictions with a confidence
  private long estimateLabelledN;
  private final long[] binN = new long[CALIBRATION_BINS];
  private final long[] binCorrect = new long[CALIBRATION_BINS];
  private final long[] binConfidence = new long[CALIBRATION_BINS]; // fixed point
  private long[] ids; // id hashes of the records read, or null when not collected
  private int idCount;

  /**
   * @param truth the window's labels ({@link GroundTruth#none()} without ground truth)
   * @param calibrationOrNull the baseline's calibration, for the estimate
   * @param source where labels come from ({@code s3}, {@code kafka}, {@code none})
   */
  public QualityAccumulator(GroundTruth truth, Calibration calibrationOrNull, String source) {
    this(truth, calibrationOrNull, source, false);
  }

  /** @param collectIds keep every record's id hashes ({@link #idHashes}) for late-label rechecks */
  public QualityAccumulator(GroundTruth truth, Calibration calibrationOrNull, String source, boolean collectIds) {
    this.ids = collectIds ? new long[1024] : null;
    this.truth = truth;
    this.calibration = calibrationOrNull;
    this.source = source;
  }

  /** Whether there is anything to say (labels or an estimate). */
  public boolean active() {
    return calibration != null || !truth.isEmpty();
  }

  /** One capture record's predictions (already counted by the window statistics). */
  public void offer(CaptureRecord r, List<Prediction> predictions) {
    if (ids != null) {
      addId(GroundTruth.hash(r.eventId()));
      if (r.inferenceId() != null) {
        addId(GroundTruth.hash(r.inferenceId()));
      }
    }
    if (calibration != null) {
      for (Prediction p : predictions) {
        if (p.hasConfidence()) {
          estimateN++;
          estimateSum += fixed(calibration.apply(p.score(1)));
        }
      }
    }
    if (truth.size() == 0 || predictions.isEmpty()) {
      return;
    }
    int label = truth.lookup(r.inferenceId(), r.eventId());
    if (label < 0) {
      return;
    }
    if (predictions.size() != 1) {
      batched++;
      return;
    }
    Prediction p = predictions.get(0);
    int predicted = p.top1Class();
    ensure(Math.max(label, predicted));
    confusion[label][predicted]++;
    labelled++;
    if (p.hasConfidence()) {
      double c = p.score(1);
      int b = bin(c);
      binN[b]++;
      binConfidence[b] += fixed(c);
      if (label == predicted) {
        binCorrect[b]++;
      }
      if (calibration != null) {
        estimateLabelledN++;
        estimateLabelledSum += fixed(calibration.apply(c));
      }
    }
  }

  /** Adds what {@code other} counted (parallel readers of one window). */
  public void merge(QualityAccumulator other) {
    if (ids != null && other.ids != null) {
      for (int i = 0; i < other.idCount; i++) {
        addId(other.ids[i]);
      }
    }
    ensure(other.confusion.length - 1);
    for (int i = 0; i < other.confusion.length; i++) {
      for (int j = 0; j < other.confusion.length; j++) {
        confusion[i][j] += other.confusion[i][j];
      }
    }
    labelled += other.labelled;
    batched += other.batched;
    estimateN += other.estimateN;
    estimateSum += other.estimateSum;
    estimateLabelledN += other.estimateLabelledN;
    estimateLabelledSum += other.estimateLabelledSum;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      binN[b] += other.binN[b];
      binCorrect[b] += other.binCorrect[b];
      binConfidence[b] += other.binConfidence[b];
    }
  }

  /**
   * The section, or null when there is nothing to say (no labels read and no calibration).
   *
   * @param labels names classes
   * @param predictions usable predictions in the window (for the coverage)
   */
  public GroundTruthStatistics snapshot(Labels labels, long predictions) {
    if (!active()) {
      return null;
    }
    long[][] seen = trimmed(confusion);
    int k = labelled == 0 ? 0 : Math.max(labels.size(), seen.length);
    long[][] cm = new long[k][k];
    for (int i = 0; i < seen.length; i++) {
      System.arraycopy(seen[i], 0, cm[i], 0, seen.length);
    }
    QualityMetrics m = QualityMetrics.of(cm, labels);
    List<String> names = new ArrayList<>(k);
    List<List<Long>> rows = null;
    if (k <= CONFUSION_MAX_CLASSES) {
      rows = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        names.add(labels.name(i));
        List<Long> row = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
          row.add(cm[i][j]);
        }
        rows.add(List.copyOf(row));
      }
    }
    return new GroundTruthStatistics(source, truth.linesRead(), labelled,
        predictions == 0 ? 0 : (double) labelled / predictions, truth.problems(batched), truth.examples(),
        m.accuracy(), m.macroF1(), m.classes(), names, rows == null ? null : List.copyOf(rows),
        estimateN == 0 ? null : estimateSum / SCALE / estimateN,
        estimateLabelledN == 0 ? null : estimateLabelledSum / SCALE / estimateLabelledN,
        ownCalibration());
  }

  /** Isotonic calibration on this window's labelled predictions with a confidence, or null. */
  private Calibration ownCalibration() {
    int points = 0;
    long n = 0;
    for (long c : binN) {
      if (c > 0) {
        points++;
        n += c;
      }
    }
    if (points == 0) {
      return null;
    }
    double[] x = new double[points];
    double[] y = new double[points];
    double[] w = new double[points];
    int i = 0;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      if (binN[b] > 0) {
        x[i] = binConfidence[b] / SCALE / binN[b];
        y[i] = (double) binCorrect[b] / binN[b];
        w[i] = binN[b];
        i++;
      }
    }
    return Calibration.fit(x, y, w, n);
  }

  /** The id hashes ({@link GroundTruth#hash}) of the records read, sorted; empty when not collected. */
  public long[] idHashes() {
    if (ids == null) {
      return new long[0];
    }
    long[] out = Arrays.copyOf(ids, idCount);
    Arrays.sort(out);
    return out;
  }

  private void addId(long h) {
    if (idCount == ids.length) {
      ids = Arrays.copyOf(ids, ids.length * 2);
    }
    ids[idCount++] = h;
  }

  private void ensure(int c) {
    if (c < confusion.length) {
      return;
    }
    int size = Math.max(c + 1, confusion.length * 2);
    long[][] grown = new long[size][size];
    for (int i = 0; i < confusion.length; i++) {
      grown[i] = Arrays.copyOf(confusion[i], size);
    }
    confusion = grown;
  }

  /** Trims the matrix to the classes seen (the array grows by doubling). */
  static long[][] trimmed(long[][] m) {
    int k = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (m[i][j] > 0) {
          k = Math.max(k, Math.max(i, j) + 1);
        }
      }
    }
    long[][] out = new long[k][];
    for (int i = 0; i < k; i++) {
      out[i] = Arrays.copyOf(m[i], k);
    }
    return out;
  }

  static int bin(double c) {
    if (!(c > 0)) {
      return 0;
    }
    return c >= 1 ? CALIBRATION_BINS - 1 : (int) (c * CALIBRATION_BINS);
  }

  private static long fixed(double v) {
    return Math.round(v * SCALE);
  }
}
