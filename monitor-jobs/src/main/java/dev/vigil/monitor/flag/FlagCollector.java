package dev.vigil.monitor.flag;

import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.stats.UnusableReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Keeps, while a window streams by, the records a violation may need as evidence, in bounded
 * memory: before the window ends nobody knows which checks will fail, so it keeps for every class
 * the K least confident records predicted as that class, the K least confident records overall,
 * and K unusable records. Each is a size-K max-heap (the worst kept record on top is evicted by a
 * better candidate), so memory is {@code O(K * (classes + 2))} whatever the window size.
 *
 * <p>Order is "least confident first", ties broken by eventId then batch item, so the same
 * window gives the same samples from S3 and from Kafka. Without confidences (class-index format)
 * the order is by eventId alone.
 *
 * <p>Not thread-safe: one per reading thread, combined with {@link #merge}.
 */
public final class FlagCollector {
  /** Least confident first; NaN (no confidence) compares equal so eventId decides. */
  private static final Comparator<Candidate> ORDER =
      Comparator.<Candidate>comparingDouble(c -> Double.isNaN(c.confidence) ? 0 : c.confidence)
          .thenComparing(c -> c.eventId == null ? "" : c.eventId)
          .thenComparingInt(c -> c.batchItem)
          .thenComparing(c -> c.location.uri());

  private final int k;
  private final Labels labels;
  private final Map<Integer, PriorityQueue<Candidate>> byClass = new HashMap<>();
  private final PriorityQueue<Candidate> leastConfident;
  private final PriorityQueue<Candidate> unusable;
  private final PriorityQueue<Candidate> unparseable;

  /**
   * @param k samples kept per violation ({@code monitor.flaggedSamplesPerViolation}), at least 0
   * @param labels names classes in the samples
   */
  public FlagCollector(int k, Labels labels) {
    if (k < 0) {
      throw new IllegalArgumentException("flaggedSamplesPerViolation must be >= 0, was " + k);
    }
    this.k = k;
    this.labels = labels;
    this.leastConfident = new PriorityQueue<>(Math.max(1, k + 1), ORDER.reversed());
    this.unusable = new PriorityQueue<>(Math.max(1, k + 1), ORDER.reversed());
    this.unparseable = new PriorityQueue<>(Math.max(1, k + 1), ORDER.reversed());
  }

  /** Offers one usable prediction. */
  public void offer(String eventId, Instant inferenceTime, int batchItem, Prediction p, CaptureLocation location) {
    if (k == 0) {
      return;
    }
    double conf = p.hasConfidence() ? p.score(1) : Double.NaN;
    PriorityQueue<Candidate> cls = byClass.computeIfAbsent(p.top1Class(), c -> new PriorityQueue<>(k + 1, ORDER.reversed()));
    boolean forClass = wouldKeep(cls, conf, eventId, batchItem);
    boolean forAll = p.hasConfidence() && wouldKeep(leastConfident, conf, eventId, batchItem);
    if (!forClass && !forAll) {
      return; // the common case: no allocation
    }
    Candidate c = new Candidate(conf, eventId, inferenceTime, batchItem, p, null, location);
    if (forClass) {
      add(cls, c);
    }
    if (forAll) {
      add(leastConfident, c);
    }
  }

  /**
   * Offers one unusable record: evidence for unparseable_outputs when its output could not be
   * read, for completeness otherwise.
   */
  public void offerUnusable(String eventIdOrNull, Instant inferenceTimeOrNull, UnusableReason reason, CaptureLocation location) {
    if (k == 0) {
      return;
    }
    Candidate c = new Candidate(Double.NaN, eventIdOrNull, inferenceTimeOrNull, 0, null, reason, location);
    PriorityQueue<Candidate> q = reason == UnusableReason.UNPARSEABLE_OUTPUT ? unparseable : unusable;
    if (q.size() < k || ORDER.compare(c, q.peek()) < 0) {
      add(q, c);
    }
  }

  /** Adds what {@code other} kept. */
  public void merge(FlagCollector other) {
    other.byClass.forEach((cls, q) -> {
      PriorityQueue<Candidate> mine = byClass.computeIfAbsent(cls, x -> new PriorityQueue<>(k + 1, ORDER.reversed()));
      q.forEach(c -> add(mine, c));
    });
    other.leastConfident.forEach(c -> add(leastConfident, c));
    other.unusable.forEach(c -> add(unusable, c));
    other.unparseable.forEach(c -> add(unparseable, c));
  }

  /**
   * The samples behind each violation, in violation order, least confident first.
   *
   * @param violations the window's violations
   * @param driftClassOrNull the class whose share rose most (evidence for drift), or null
   */
  public List<FlaggedSample> samplesFor(List<Violation> violations, Integer driftClassOrNull) {
    List<FlaggedSample> out = new ArrayList<>();
    for (Violation v : violations) {
      List<Candidate> evidence =
          switch (v.type()) {
            case CLASS_SHARE_EXCEEDED -> sorted(byClass.get(v.classIndex()));
            case CLASS_DISTRIBUTION_DRIFT -> driftClassOrNull == null
                ? sorted(leastConfident) : sorted(byClass.get(driftClassOrNull));
            case LOW_CONFIDENCE, CONFIDENCE_DROP, ACCURACY_DROP, ESTIMATED_ACCURACY_DROP -> sorted(leastConfident);
            case CLASS_RECALL_DROP -> List.of();
            case COMPLETENESS -> sorted(unusable);
            case UNPARSEABLE_OUTPUTS -> sorted(unparseable);
            // The model-side signals add their own samples (ModelSignals).
            case INSUFFICIENT_DATA, INCOMPLETE_WINDOW, INPUT_DRIFT, ADVERSARIAL_INPUTS -> List.of();
          };
      for (Candidate c : evidence) {
        out.add(c.toSample(v.type(), v.featureName(), labels));
      }
    }
    return out;
  }

  private boolean wouldKeep(PriorityQueue<Candidate> q, double conf, String eventId, int batchItem) {
    if (q.size() < k) {
      return true;
    }
    Candidate worst = q.peek();
    double a = Double.isNaN(conf) ? 0 : conf;
    double b = Double.isNaN(worst.confidence) ? 0 : worst.confidence;
    if (a != b) {
      return a < b;
    }
    int byId = (eventId == null ? "" : eventId).compareTo(worst.eventId == null ? "" : worst.eventId);
    return byId != 0 ? byId < 0 : batchItem < worst.batchItem;
  }

  private void add(PriorityQueue<Candidate> q, Candidate c) {
    q.add(c);
    if (q.size() > k) {
      q.poll();
    }
  }

  private static List<Candidate> sorted(PriorityQueue<Candidate> q) {
    if (q == null) {
      return List.of();
    }
    List<Candidate> l = new ArrayList<>(q);
    l.sort(ORDER);
    return l;
  }

  private record Candidate(
      double confidence, String eventId, Instant inferenceTime, int batchItem,
      Prediction prediction, UnusableReason reason, CaptureLocation location) {

    FlaggedSample toSample(ViolationType type, String feature, Labels labels) {
      if (prediction == null) {
        return new FlaggedSample(type, feature, eventId, inferenceTime, 0, -1, reason.code(), null, List.of(), location);
      }
      List<ClassScore> top = new ArrayList<>();
      for (int r = 0; r < prediction.topScores().length; r++) {
        int c = prediction.topClasses()[r];
        top.add(new ClassScore(c, labels.name(c), prediction.topScores()[r]));
      }
      int c = prediction.top1Class();
      return new FlaggedSample(type, feature, eventId, inferenceTime, batchItem, c, labels.name(c),
          prediction.hasConfidence() ? prediction.score(1) : null, List.copyOf(top), location);
    }
  }
}
