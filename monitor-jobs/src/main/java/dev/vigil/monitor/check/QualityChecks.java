package dev.vigil.monitor.check;

import dev.vigil.monitor.quality.ClassQuality;
import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model-quality checks, judged when a window has labels or a calibrated baseline:
 * accuracy_drop and class_recall_drop on the labelled predictions (at least {@code minLabels}),
 * estimated_accuracy_drop from calibrated confidence (NannyML's CBPE) before the labels arrive.
 * A pure function like {@link Checks}; order: accuracy_drop, class_recall_drop (one per class),
 * estimated_accuracy_drop.
 */
public final class QualityChecks {
  private QualityChecks() {}

  /** The checks' outcomes; none at all when neither the window nor the baseline carries ground truth. */
  public static List<CheckResult> evaluate(WindowStatistics w, WindowStatistics baselineOrNull, Constraints k) {
    GroundTruthStatistics g = w.groundTruth();
    GroundTruthStatistics b = baselineOrNull == null ? null : baselineOrNull.groundTruth();
    List<CheckResult> out = new ArrayList<>();
    if (g == null && b == null) {
      return out;
    }
    Double baseAccuracy = b == null ? null : b.accuracy();
    long labelled = g == null ? 0 : g.labelled();
    boolean enough = g != null && g.accuracy() != null && labelled >= k.minLabels();
    String why = g == null || g.accuracy() == null
        ? String.format(Locale.ROOT, "no labelled predictions in this window yet%s", estimateNote(g))
        : String.format(Locale.ROOT, "only %d labelled predictions, fewer than minLabels %d%s", labelled,
            k.minLabels(), estimateNote(g));
    if (!enough || baseAccuracy == null) {
      String reason = !enough ? why + ": accuracy not judged"
          : "the baseline has no labelled predictions: accuracy not judged (rebuild it once labels exist)";
      out.add(new CheckResult(ViolationType.ACCURACY_DROP, "accuracy", CheckStatus.UNAVAILABLE,
          g == null ? null : g.accuracy(), k.accuracyDropMax(), baseAccuracy, reason));
      out.add(new CheckResult(ViolationType.CLASS_RECALL_DROP, null, CheckStatus.UNAVAILABLE, null,
          k.classRecallDropMax(), null, reason.replace("accuracy not judged", "class recall not judged")));
    } else {
      double drop = baseAccuracy - g.accuracy();
      out.add(new CheckResult(ViolationType.ACCURACY_DROP, "accuracy",
          drop > k.accuracyDropMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED, drop, k.accuracyDropMax(),
          baseAccuracy, String.format(Locale.ROOT,
              "accuracy %s on %d labelled predictions (%s of the window) vs %s in the baseline: dropped by %.4f,"
                  + " limit %s%s", pct(g.accuracy()), labelled, pct(g.coverage()), pct(baseAccuracy), drop,
              num(k.accuracyDropMax()), estimateBeside(g))));
      classRecall(g, b, k, out);
    }
    estimated(g, b, k, out);
    return out;
  }

  private static void classRecall(GroundTruthStatistics g, GroundTruthStatistics b, Constraints k,
      List<CheckResult> out) {
    CheckResult worst = null;
    double worstDrop = Double.NEGATIVE_INFINITY;
    boolean any = false;
    for (ClassQuality c : g.classes()) {
      ClassQuality base = b.classOf(c.label());
      if (c.recall() == null || c.support() < Constraints.MIN_CLASS_SUPPORT || base == null || base.recall() == null) {
        continue;
      }
      double drop = base.recall() - c.recall();
      boolean violated = drop > k.classRecallDropMax();
      CheckResult r = new CheckResult(ViolationType.CLASS_RECALL_DROP, c.label(),
          violated ? CheckStatus.VIOLATED : CheckStatus.PASSED, drop, k.classRecallDropMax(), base.recall(),
          String.format(Locale.ROOT, "class %s: recall %s on %d labelled predictions vs %s in the baseline,"
                  + " dropped by %.4f, limit %s; precision %s", c.label(), pct(c.recall()), c.support(),
              pct(base.recall()), drop, num(k.classRecallDropMax()), pct(c.precision())));
      if (violated) {
        out.add(r);
        any = true;
      } else if (drop > worstDrop) {
        worst = r;
        worstDrop = drop;
      }
    }
    if (!any) {
      out.add(worst != null ? new CheckResult(ViolationType.CLASS_RECALL_DROP, worst.featureName(), CheckStatus.PASSED,
          worst.value(), worst.limit(), worst.baselineValue(), "no class recall dropped beyond the limit; largest: "
              + worst.description())
          : new CheckResult(ViolationType.CLASS_RECALL_DROP, null, CheckStatus.UNAVAILABLE, null,
              k.classRecallDropMax(), null, "no class has " + Constraints.MIN_CLASS_SUPPORT
                  + " labelled predictions in both the window and the baseline: class recall not judged"));
    }
  }

  private static void estimated(GroundTruthStatistics g, GroundTruthStatistics b, Constraints k,
      List<CheckResult> out) {
    Double estimate = g == null ? null : g.estimatedAccuracy();
    Double reference = b == null ? null : (b.accuracy() != null ? b.accuracy() : b.estimatedAccuracy());
    if (estimate == null || reference == null) {
      String why = b == null || b.calibration() == null
          ? "the baseline has no calibration (no labelled predictions with confidences): accuracy not estimated"
          : "the outputs carry no confidence: accuracy not estimated";
      out.add(new CheckResult(ViolationType.ESTIMATED_ACCURACY_DROP, "estimated_accuracy", CheckStatus.UNAVAILABLE,
          estimate, k.estimatedAccuracyDropMax(), reference, why));
      return;
    }
    double drop = reference - estimate;
    String realised = g.accuracy() == null ? "; no labels yet"
        : String.format(Locale.ROOT, "; realised accuracy %s on %d labelled predictions (estimate on those %s)",
            pct(g.accuracy()), g.labelled(), pct(g.estimatedAccuracyLabelled()));
    out.add(new CheckResult(ViolationType.ESTIMATED_ACCURACY_DROP, "estimated_accuracy",
        drop > k.estimatedAccuracyDropMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED, drop,
        k.estimatedAccuracyDropMax(), reference, String.format(Locale.ROOT,
            "estimated accuracy %s (mean calibrated top-1 confidence, CBPE) vs %s in the baseline: dropped by %.4f,"
                + " limit %s%s", pct(estimate), pct(reference), drop, num(k.estimatedAccuracyDropMax()), realised)));
  }

  private static String estimateNote(GroundTruthStatistics g) {
    return g == null || g.estimatedAccuracy() == null ? ""
        : String.format(Locale.ROOT, " (estimated accuracy %s)", pct(g.estimatedAccuracy()));
  }

  private static String estimateBeside(GroundTruthStatistics g) {
    return g.estimatedAccuracy() == null ? ""
        : String.format(Locale.ROOT, "; estimated before labels %s", pct(g.estimatedAccuracy()));
  }

  private static String pct(Double share) {
    return share == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
