package dev.vigil.monitor.truth;

import dev.vigil.capture.format.GroundTruthRecord;
import dev.vigil.classes.Labels;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The labels written for one window's predictions: class index by id (an inference id or an
 * eventId, SageMaker's join key), and the count of every label that could not be used and why.
 *
 * <p>Built on one thread, in write order ({@link #add}: the label written last wins, the earlier
 * one counts as a duplicate), then shared read-only by the window's reader threads; {@link
 * #lookup} records matched ids in a concurrent set so the unmatched ones can be counted at the end.
 *
 * <p>Memory: one map entry per distinct id, bounded by {@link #MAX_LABELS}; labels past it are
 * not kept and counted as unmatched.
 */
public final class GroundTruth {
  /** Most labels kept for one window (about 100 bytes each). */
  public static final int MAX_LABELS = 2_000_000;
  /** Characters of an example problem kept per reason. */
  static final int EXAMPLE_CHARS = 200;

  private final Labels labels;
  private final Map<String, Integer> byId = new HashMap<>();
  private final Map<LabelProblem, Long> problems = new EnumMap<>(LabelProblem.class);
  private final Map<LabelProblem, String> examples = new EnumMap<>(LabelProblem.class);
  private final Set<String> matched = ConcurrentHashMap.newKeySet();
  private long linesRead;
  private long overLimit;

  /** @param labels the endpoint's labels: a label text is looked up here, an index must be below its size */
  public GroundTruth(Labels labels) {
    this.labels = labels;
  }

  /** No labels at all (ground truth not configured). */
  public static GroundTruth none() {
    return new GroundTruth(Labels.none());
  }

  /** Adds one label line, in write order. */
  public void add(GroundTruthRecord r) {
    linesRead++;
    int c = classOf(r.label());
    if (c < 0) {
      problem(LabelProblem.UNKNOWN_LABEL, "id " + r.id() + ": label '" + r.label() + "' is not a class index"
          + (labels.size() == 0 ? "" : " below " + labels.size() + " nor a label of the labels file"));
      return;
    }
    if (byId.size() >= MAX_LABELS && !byId.containsKey(r.id())) {
      overLimit++;
      return;
    }
    if (byId.put(r.id(), c) != null) {
      problem(LabelProblem.DUPLICATE, "id " + r.id() + " was labelled more than once; the label written last counts");
    }
  }

  /** Counts one line that is not a ground-truth record. */
  public void malformed(String detail) {
    linesRead++;
    problem(LabelProblem.MALFORMED_LINE, detail);
  }

  /**
   * The class labelled for a capture, or -1: by inference id first (SageMaker's rule when the
   * caller gave one), else by eventId. Thread-safe.
   */
  public int lookup(String inferenceIdOrNull, String eventId) {
    if (inferenceIdOrNull != null) {
      Integer c = byId.get(inferenceIdOrNull);
      if (c != null) {
        matched.add(inferenceIdOrNull);
        return c;
      }
    }
    Integer c = byId.get(eventId);
    if (c != null) {
      matched.add(eventId);
      return c;
    }
    return -1;
  }

  /**
   * A fingerprint of the usable labels whose id (by {@link #hash}) is in {@code sortedIdHashes}:
   * changes when such a label is added or corrected, so a window whose fingerprint changed has
   * new ground truth.
   */
  public long fingerprintOf(long[] sortedIdHashes) {
    long f = 0;
    for (Map.Entry<String, Integer> e : byId.entrySet()) {
      long h = hash(e.getKey());
      if (Arrays.binarySearch(sortedIdHashes, h) >= 0) {
        f += mix(h ^ (0x9E3779B97F4A7C15L * (e.getValue() + 1L))); // order-independent sum
      }
    }
    return f;
  }

  /** A 64-bit FNV-1a hash of an id: a window's ids are kept as these (8 bytes instead of a string). */
  public static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static long mix(long z) { // SplitMix64 finaliser: spreads nearby values over 64 bits
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Label lines read (usable or not). */
  public long linesRead() {
    return linesRead;
  }

  /** Distinct ids with a usable label. */
  public int size() {
    return byId.size();
  }

  /** Whether no label was read at all. */
  public boolean isEmpty() {
    return linesRead == 0;
  }

  /** The ids with a usable label (for {@link LabelRecheck}). */
  Set<String> ids() {
    return byId.keySet();
  }

  /**
   * Problem counts by reason code, every reason listed; unmatched ids are those no capture looked
   * up, so call this after the window was read.
   *
   * @param batched labels that matched a batched record (counted by the scan)
   */
  public Map<String, Long> problems(long batched) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (LabelProblem p : LabelProblem.values()) {
      long n = switch (p) {
        case UNMATCHED_ID -> byId.size() - matched.size() + overLimit;
        case BATCHED_RECORD -> batched;
        default -> problems.getOrDefault(p, 0L);
      };
      out.put(p.code(), n);
    }
    return out;
  }

  /** One example message per reason seen (malformed lines, unknown labels, duplicates). */
  public Map<String, String> examples() {
    Map<String, String> out = new LinkedHashMap<>();
    examples.forEach((p, e) -> out.put(p.code(), e));
    return out;
  }

  /** The class a label text names, or -1: a class index (below the labels' size when there are labels) or a label. */
  public int classOf(String text) {
    if (text == null || text.isEmpty()) {
      return -1;
    }
    int named = labels.indexOf(text);
    if (named >= 0) {
      return named;
    }
    try {
      int c = Integer.parseInt(text);
      return c >= 0 && (labels.size() == 0 || c < labels.size()) ? c : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void problem(LabelProblem p, String example) {
    problems.merge(p, 1L, Long::sum);
    examples.putIfAbsent(p, example.length() > EXAMPLE_CHARS ? example.substring(0, EXAMPLE_CHARS) + "..." : example);
  }
}
