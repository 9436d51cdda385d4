package dev.vigil.monitor.stats;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.output.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming window statistics: constant memory per class, nothing kept per record.
 *
 * <p><b>Order independence.</b> Sums of confidences, margins and entropies are kept in fixed
 * point ({@link #SCALE} = 1e-9 units, in {@code long}) rather than in {@code double}: floating-point
 * addition is not associative, and the same window read from S3 (object order) and from Kafka
 * (partition order), or merged from parallel readers, must give bit-identical statistics. A long
 * holds 9.2e18 units, i.e. ~2.4e9 records of entropy up to ln(43); far beyond one window.
 *
 * <p><b>Quantiles</b> come from a {@value #QUANTILE_BINS}-bin histogram of the top-1 confidence
 * over [0, 1] (values outside are clamped): bounded memory, exact to one bin width, and mergeable.
 *
 * <p>Not thread-safe: one accumulator per reading thread, combined with {@link #merge}.
 */
public final class StatisticsAccumulator {
  /** Histogram resolution for quantiles: quantile error at most 1e-4. */
  public static final int QUANTILE_BINS = 10_000;
  /** Bins of the histogram kept in the report (for the confidence chart). */
  public static final int CHART_BINS = 20;
  /** Fixed-point units per 1.0 for order-independent sums. */
  static final double SCALE = 1e9;

  private static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
  private static final String[] QUANTILE_NAMES = {"p01", "p05", "p25", "p50", "p75", "p95", "p99"};

  private final double t; // low-confidence threshold
  private long n; // usable predictions
  private long records; // capture records inside the window
  private long[] classCount = new long[64];
  private long[] classConfidenceSum = new long[64]; // fixed point
  private long confidenceN;
  private long top1Sum; // fixed point
  private final long[] top1Histogram = new long[QUANTILE_BINS];
  private long top1Below;
  private long top3AllBelow;
  private long marginN;
  private long marginSum; // fixed point
  private long entropyN;
  private long entropySum; // fixed point
  private final long[] unusable = new long[UnusableReason.values().length];
  private final Map<String, Long> formats = new TreeMap<>(); // records by output format code
  private final UnreadableOutputs unreadable = new UnreadableOutputs();

  /** @param lowConfidenceThreshold {@code t} in "share of top-1 below t" (default 0.5) */
  public StatisticsAccumulator(double lowConfidenceThreshold) {
    if (!(lowConfidenceThreshold > 0 && lowConfidenceThreshold <= 1)) {
      throw new IllegalArgumentException(
          "lowConfidenceThreshold must be in (0, 1], was " + lowConfidenceThreshold);
    }
    this.t = lowConfidenceThreshold;
  }

  public double lowConfidenceThreshold() {
    return t;
  }

  /** Counts one capture record read inside the window (before its output is parsed). */
  public void record() {
    records++;
  }

  /** Counts one unusable record (it was counted by {@link #record()} too). */
  public void unusable(UnusableReason reason) {
    unusable[reason.ordinal()]++;
  }

  /** Counts the output format one record's response was read in. */
  public void format(String code) {
    formats.merge(code, 1L, Long::sum);
  }

  /**
   * Counts one record whose output could not be read (also counted by {@link
   * #unusable(UnusableReason)} as {@link UnusableReason#UNPARSEABLE_OUTPUT}).
   *
   * @param reason the stable reason; counts are kept by it
   * @param detail the whole message
   * @param eventIdOrNull the record's eventId
   * @param exampleBody the response body, abbreviated
   */
  public void unreadable(String reason, String detail, String eventIdOrNull, String exampleBody) {
    unreadable.add(reason, detail, eventIdOrNull, exampleBody);
  }

  /** Adds one usable prediction. */
  public void accept(Prediction p) {
    n++;
    int c = p.top1Class();
    ensureClass(c);
    classCount[c]++;
    if (!p.hasConfidence()) {
      return;
    }
    double top1 = p.score(1);
    long top1Fixed = fixed(top1);
    confidenceN++;
    top1Sum += top1Fixed;
    classConfidenceSum[c] += top1Fixed;
    top1Histogram[bin(top1, QUANTILE_BINS)]++;
    if (top1 < t) {
      top1Below++;
    }
    boolean allBelow = true;
    for (int r = 1; r <= Math.min(3, p.topScores().length); r++) {
      allBelow &= p.score(r) < t;
    }
    if (allBelow) {
      top3AllBelow++;
    }
    if (p.topScores().length >= 2) {
      marginN++;
      marginSum += fixed(top1 - p.score(2));
    }
    if (!Double.isNaN(p.entropy())) {
      entropyN++;
      entropySum += fixed(p.entropy());
    }
  }

  /** Adds everything {@code other} counted (parallel readers). */
  public void merge(StatisticsAccumulator other) {
    if (Double.compare(other.t, t) != 0) {
      throw new IllegalArgumentException("cannot merge accumulators with different thresholds");
    }
    n += other.n;
    records += other.records;
    ensureClass(other.classCount.length - 1);
    for (int c = 0; c < other.classCount.length; c++) {
      classCount[c] += other.classCount[c];
      classConfidenceSum[c] += other.classConfidenceSum[c];
    }
    confidenceN += other.confidenceN;
    top1Sum += other.top1Sum;
    for (int b = 0; b < QUANTILE_BINS; b++) {
      top1Histogram[b] += other.top1Histogram[b];
    }
    top1Below += other.top1Below;
    top3AllBelow += other.top3AllBelow;
    marginN += other.marginN;
    marginSum += other.marginSum;
    entropyN += other.entropyN;
    entropySum += other.entropySum;
    for (int r = 0; r < unusable.length; r++) {
      unusable[r] += other.unusable[r];
    }
    other.formats.forEach((k, v) -> formats.merge(k, v, Long::sum));
    unreadable.merge(other.unreadable);
  }

  /** Usable predictions so far. */
  public long count() {
    return n;
  }

  /**
   * The statistics so far.
   *
   * @param labels names classes; every class it names is listed, predicted or not
   */
  public WindowStatistics snapshot(Labels labels) {
    int classes = Math.max(labels.size(), highestClass() + 1);
    List<ClassStatistics> perClass = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      long count = c < classCount.length ? classCount[c] : 0;
      Double meanConf =
          confidenceN > 0 && count > 0 ? classConfidenceSum[c] / SCALE / count : null;
      perClass.add(new ClassStatistics(c, labels.name(c), count, n == 0 ? 0 : (double) count / n, meanConf));
    }
    Map<String, Long> reasons = new LinkedHashMap<>();
    long unusableTotal = 0;
    for (UnusableReason r : UnusableReason.values()) {
      reasons.put(r.code(), unusable[r.ordinal()]);
      unusableTotal += unusable[r.ordinal()];
    }
    double completeness = records == 0 ? 1.0 : 1.0 - (double) unusableTotal / records;
    return new WindowStatistics(n, records, List.copyOf(perClass), confidence(), reasons, unusableTotal, completeness,
        new LinkedHashMap<>(formats), unreadable.snapshot());
  }

  private ConfidenceStatistics confidence() {
    if (confidenceN == 0) {
      List<Long> empty = new ArrayList<>(CHART_BINS);
      for (int i = 0; i < CHART_BINS; i++) {
        empty.add(0L);
      }
      return new ConfidenceStatistics(n == 0, t, null, Map.of(), null, null, null, null, List.copyOf(empty));
    }
    Map<String, Double> q = new LinkedHashMap<>();
    for (int i = 0; i < QUANTILES.length; i++) {
      q.put(QUANTILE_NAMES[i], quantile(QUANTILES[i]));
    }
    List<Long> chart = new ArrayList<>(CHART_BINS);
    int per = QUANTILE_BINS / CHART_BINS;
    for (int b = 0; b < CHART_BINS; b++) {
      long s = 0;
      for (int i = b * per; i < (b + 1) * per; i++) {
        s += top1Histogram[i];
      }
      chart.add(s);
    }
    double nC = confidenceN;
    return new ConfidenceStatistics(
        true,
        t,
        top1Sum / SCALE / nC,
        q,
        top1Below / nC,
        top3AllBelow / nC,
        marginN == 0 ? null : marginSum / SCALE / marginN,
        entropyN == 0 ? null : entropySum / SCALE / entropyN,
        List.copyOf(chart));
  }

  /**
   * The {@code q}-quantile: the midpoint of the first bin whose cumulative count reaches {@code
   * ceil(q * N)} (nearest-rank definition on the binned values).
   */
  private double quantile(double q) {
    long rank = Math.max(1, (long) Math.ceil(q * confidenceN));
    long cumulative = 0;
    for (int b = 0; b < QUANTILE_BINS; b++) {
      cumulative += top1Histogram[b];
      if (cumulative >= rank) {
        return (b + 0.5) / QUANTILE_BINS;
      }
    }
    return 1.0;
  }

  private int highestClass() {
    for (int c = classCount.length - 1; c >= 0; c--) {
      if (classCount[c] > 0) {
        return c;
      }
    }
    return -1;
  }

  private void ensureClass(int c) {
    if (c >= classCount.length) {
      int size = Math.max(c + 1, classCount.length * 2);
      classCount = Arrays.copyOf(classCount, size);
      classConfidenceSum = Arrays.copyOf(classConfidenceSum, size);
    }
  }

  private static long fixed(double v) {
    return Math.round(v * SCALE);
  }

  static int bin(double v, int bins) {
    if (!(v > 0)) {
      return 0;
    }
    return v >= 1 ? bins - 1 : (int) (v * bins);
  }
}
