package dev.vigil.monitor.check;

import dev.vigil.config.DriftMethod;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges a window: a pure function of its statistics, the baseline's statistics (optional) and
 * the constraints. Order of results: unparseable_outputs, insufficient_data, completeness,
 * class_share_exceeded (one per class), class_distribution_drift, low_confidence,
 * confidence_drop, then the model-quality checks of {@link QualityChecks} when there is ground truth. Unparseable outputs come first and are judged even when too few predictions
 * were read to judge the rest: they are usually why.
 */
public final class Checks {
  private Checks() {}

  /** Outcome of every check, passed, violated, unavailable or skipped. */
  public static List<CheckResult> evaluate(
      WindowStatistics window, WindowStatistics baselineOrNull, Constraints k) {
    List<CheckResult> out = new ArrayList<>();
    out.add(unparseable(window, baselineOrNull, k));
    if (window.count() < k.minRecords()) {
      String cause = window.unparseable() == 0 ? ""
          : String.format(Locale.ROOT, " (%d of %d records had outputs that could not be read: see unparseable_outputs)",
              window.unparseable(), window.records());
      out.add(new CheckResult(
          ViolationType.INSUFFICIENT_DATA, "records", CheckStatus.VIOLATED,
          (double) window.count(), (double) k.minRecords(),
          baselineOrNull == null ? null : (double) baselineOrNull.count(),
          String.format(Locale.ROOT,
              "only %d usable predictions in the window, fewer than minRecords %d: the window is not judged%s",
              window.count(), k.minRecords(), cause)));
      for (ViolationType t : List.of(ViolationType.COMPLETENESS, ViolationType.CLASS_SHARE_EXCEEDED,
          ViolationType.CLASS_DISTRIBUTION_DRIFT, ViolationType.LOW_CONFIDENCE, ViolationType.CONFIDENCE_DROP)) {
        out.add(new CheckResult(t, null, CheckStatus.SKIPPED, null, null, null,
            "not judged: insufficient data"));
      }
      return out;
    }
    out.add(new CheckResult(ViolationType.INSUFFICIENT_DATA, "records", CheckStatus.PASSED,
        (double) window.count(), (double) k.minRecords(), null, "enough predictions to judge"));

    long incomplete = window.unusableTotal() - window.unparseable();
    double unusableShare = window.records() == 0 ? 0 : (double) incomplete / window.records();
    out.add(new CheckResult(ViolationType.COMPLETENESS, "records",
        unusableShare > k.unusableShareMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED,
        unusableShare, k.unusableShareMax(),
        baselineOrNull == null || baselineOrNull.records() == 0 ? null
            : (double) (baselineOrNull.unusableTotal() - baselineOrNull.unparseable()) / baselineOrNull.records(),
        String.format(Locale.ROOT,
            "%d of %d records unusable (%s: no output, truncated, upstream error or corrupt line), limit %s",
            incomplete, window.records(), pct(unusableShare), pct(k.unusableShareMax()))));

    classShares(window, baselineOrNull, k, out);
    drift(window, baselineOrNull, k, out);
    confidence(window, baselineOrNull, k, out);
    out.addAll(QualityChecks.evaluate(window, baselineOrNull, k));
    return out;
  }

  /**
   * Outputs present but unreadable: share of records, limit {@code unusableShareMax}; the
   * description gives the top reasons with counts and one abbreviated example body.
   */
  static CheckResult unparseable(WindowStatistics w, WindowStatistics b, Constraints k) {
    double share = w.records() == 0 ? 0 : (double) w.unparseable() / w.records();
    Double base = b == null || b.records() == 0 ? null : (double) b.unparseable() / b.records();
    if (w.unparseable() == 0) {
      return new CheckResult(ViolationType.UNPARSEABLE_OUTPUTS, "records", CheckStatus.PASSED, share,
          k.unusableShareMax(), base, "every captured output was readable" + formats(w));
    }
    StringBuilder reasons = new StringBuilder();
    List<dev.vigil.monitor.stats.UnreadableOutput> top = w.unreadableOutputs();
    for (int i = 0; i < Math.min(3, top.size()); i++) {
      reasons.append(i == 0 ? "" : "; ").append(top.get(i).reason()).append(" (").append(top.get(i).count()).append(')');
    }
    String example = top.isEmpty() ? "" : String.format(Locale.ROOT, "; e.g. event %s: %s -- %s",
        top.get(0).exampleEventId(), top.get(0).detail(), top.get(0).exampleBody());
    return new CheckResult(ViolationType.UNPARSEABLE_OUTPUTS, "records",
        share > k.unusableShareMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED, share, k.unusableShareMax(), base,
        String.format(Locale.ROOT, "%d of %d records (%s) have outputs that could not be read as predictions,"
            + " limit %s; top reasons: %s%s%s", w.unparseable(), w.records(), pct(share), pct(k.unusableShareMax()),
            reasons, example, formats(w)));
  }

  /** "; formats read: a 300, b 20", or nothing when none was read. */
  private static String formats(WindowStatistics w) {
    if (w.outputFormats().isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("; formats read: ");
    w.outputFormats().forEach((f, n) -> sb.append(sb.length() > 16 ? ", " : "").append(f).append(' ').append(n));
    return sb.toString();
  }

  /** The violated results as violations, with severity. */
  public static List<Violation> violations(
      List<CheckResult> results, WindowStatistics window, Constraints k) {
    Map<String, Integer> indexByLabel = new LinkedHashMap<>();
    for (ClassStatistics c : window.classes()) {
      indexByLabel.putIfAbsent(c.label(), c.index());
    }
    List<Violation> out = new ArrayList<>();
    for (CheckResult r : results) {
      if (r.status() != CheckStatus.VIOLATED) {
        continue;
      }
      Integer classIndex = null;
      if (r.type() == ViolationType.CLASS_SHARE_EXCEEDED || r.type() == ViolationType.CLASS_RECALL_DROP) {
        classIndex = indexByLabel.get(r.featureName());
      }
      out.add(new Violation(r.type(), r.featureName(), classIndex, r.value(), r.limit(),
          r.baselineValue(), r.description(), severity(r, k)));
    }
    return out;
  }

  /** Critical when the value misses the limit by the limit again (p-values: below a tenth). */
  static Severity severity(CheckResult r, Constraints k) {
    if (r.type() == ViolationType.INSUFFICIENT_DATA) {
      return Severity.WARNING;
    }
    boolean lowerIsWorse = r.type() == ViolationType.CLASS_DISTRIBUTION_DRIFT
        && !k.driftMethod().higherIsWorse();
    double v = r.value();
    double limit = r.limit();
    boolean critical = lowerIsWorse ? v < limit / 10 : v >= 2 * limit;
    return critical ? Severity.CRITICAL : Severity.WARNING;
  }

  private static void classShares(
      WindowStatistics w, WindowStatistics b, Constraints k, List<CheckResult> out) {
    boolean any = false;
    for (ClassStatistics c : w.classes()) {
      double limit = k.classShareMaxOf(c.label());
      if (c.share() > limit) {
        any = true;
        Double base = b == null ? null : b.shareOf(c.label());
        out.add(new CheckResult(ViolationType.CLASS_SHARE_EXCEEDED, c.label(), CheckStatus.VIOLATED,
            c.share(), limit, base,
            String.format(Locale.ROOT,
                "class %s is the top-1 prediction in %s of the window (%d of %d), limit %s%s",
                c.label(), pct(c.share()), c.count(), w.count(), pct(limit),
                base == null ? "" : ", baseline " + pct(base))));
      }
    }
    if (!any) {
      ClassStatistics top = null;
      for (ClassStatistics c : w.classes()) {
        if (top == null || c.share() > top.share()) {
          top = c;
        }
      }
      out.add(new CheckResult(ViolationType.CLASS_SHARE_EXCEEDED, top == null ? null : top.label(),
          CheckStatus.PASSED, top == null ? 0.0 : top.share(), k.classShareMax(),
          top == null || b == null ? null : b.shareOf(top.label()),
          "no class above its share limit"));
    }
  }

  private static void drift(
      WindowStatistics w, WindowStatistics b, Constraints k, List<CheckResult> out) {
    if (b == null) {
      out.add(new CheckResult(ViolationType.CLASS_DISTRIBUTION_DRIFT, "predicted_class",
          CheckStatus.UNAVAILABLE, null, k.driftLimit(), null,
          "no baseline configured (monitor.baseline): drift not judged"));
      return;
    }
    BaselineComparison cmp = compare(w, b);
    double value =
        switch (k.driftMethod()) {
          case LINF -> cmp.lInfinity();
          case CHI_SQUARE -> cmp.chiSquarePValue();
          case JENSEN_SHANNON -> cmp.jensenShannon();
          case PSI -> cmp.psi();
        };
    boolean violated = k.driftMethod().higherIsWorse() ? value > k.driftLimit() : value < k.driftLimit();
    BaselineComparison.ClassDelta most = cmp.mostIncreased();
    String detail = most == null ? "" : String.format(Locale.ROOT,
        "; class %s rose most, %s vs %s in the baseline", most.label(), pct(most.share()), pct(most.baselineShare()));
    String description = k.driftMethod() == DriftMethod.CHI_SQUARE
        ? String.format(Locale.ROOT, "chi-square test of the class distribution against the baseline: X^2 = %.3f, df = %d, p = %.3g, limit p < %s%s",
            cmp.chiSquare(), cmp.chiSquareDf(), value, num(k.driftLimit()), detail)
        : String.format(Locale.ROOT, "%s distance of the class distribution to the baseline is %.4f, limit %s%s",
            k.driftMethod().configName(), value, num(k.driftLimit()), detail);
    out.add(new CheckResult(ViolationType.CLASS_DISTRIBUTION_DRIFT, "predicted_class",
        violated ? CheckStatus.VIOLATED : CheckStatus.PASSED, value, k.driftLimit(), 0.0, description));
  }

  private static void confidence(
      WindowStatistics w, WindowStatistics b, Constraints k, List<CheckResult> out) {
    if (!w.confidence().available() || w.confidence().mean() == null) {
      String why = "the outputs carry no confidence" + formats(w)
          + ": low_confidence and confidence_drop are not possible (unavailable, not passed)";
      out.add(new CheckResult(ViolationType.LOW_CONFIDENCE, "top1_confidence", CheckStatus.UNAVAILABLE,
          null, k.lowConfidenceShareMax(), null, why));
      out.add(new CheckResult(ViolationType.CONFIDENCE_DROP, "top1_confidence", CheckStatus.UNAVAILABLE,
          null, k.confidenceDropMax(), null, why));
      return;
    }
    double low = w.confidence().shareTop1Below();
    Double baseLow = b == null ? null : b.confidence().shareTop1Below();
    out.add(new CheckResult(ViolationType.LOW_CONFIDENCE, "top1_confidence",
        low > k.lowConfidenceShareMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED,
        low, k.lowConfidenceShareMax(), baseLow,
        String.format(Locale.ROOT, "%s of predictions have top-1 confidence below %s (top-3 all below: %s), limit %s%s",
            pct(low), num(w.confidence().lowThreshold()), pct(w.confidence().shareTop3AllBelow()),
            pct(k.lowConfidenceShareMax()), baseLow == null ? "" : ", baseline " + pct(baseLow))));

    Double baseMean = b == null ? null : b.confidence().mean();
    if (baseMean == null) {
      out.add(new CheckResult(ViolationType.CONFIDENCE_DROP, "top1_confidence", CheckStatus.UNAVAILABLE,
          w.confidence().mean(), k.confidenceDropMax(), null,
          b == null ? "no baseline configured: confidence drop not judged"
              : "the baseline carries no confidence: confidence drop not judged"));
      return;
    }
    double drop = baseMean - w.confidence().mean();
    out.add(new CheckResult(ViolationType.CONFIDENCE_DROP, "top1_confidence",
        drop > k.confidenceDropMax() ? CheckStatus.VIOLATED : CheckStatus.PASSED,
        drop, k.confidenceDropMax(), baseMean,
        String.format(Locale.ROOT, "mean top-1 confidence %.4f vs %.4f in the baseline: dropped by %.4f, limit %s",
            w.confidence().mean(), baseMean, drop, num(k.confidenceDropMax()))));
  }

  /** Window vs baseline: per-class shares (union of labels) and every distance. */
  public static BaselineComparison compare(WindowStatistics w, WindowStatistics b) {
    Map<String, long[]> counts = new LinkedHashMap<>(); // label -> {window, baseline, index}
    for (ClassStatistics c : w.classes()) {
      counts.computeIfAbsent(c.label(), l -> new long[] {0, 0, c.index()})[0] += c.count();
    }
    for (ClassStatistics c : b.classes()) {
      counts.computeIfAbsent(c.label(), l -> new long[] {0, 0, c.index()})[1] += c.count();
    }
    int kk = counts.size();
    long[] o = new long[kk];
    long[] e = new long[kk];
    double[] p = new double[kk];
    double[] q = new double[kk];
    List<BaselineComparison.ClassDelta> deltas = new ArrayList<>(kk);
    int i = 0;
    for (Map.Entry<String, long[]> en : counts.entrySet()) {
      o[i] = en.getValue()[0];
      e[i] = en.getValue()[1];
      p[i] = w.count() == 0 ? 0 : (double) o[i] / w.count();
      q[i] = b.count() == 0 ? 0 : (double) e[i] / b.count();
      deltas.add(new BaselineComparison.ClassDelta(en.getKey(), (int) en.getValue()[2], p[i], q[i]));
      i++;
    }
    double[] chi = Distances.chiSquare(o, e);
    return new BaselineComparison(List.copyOf(deltas), Distances.lInfinity(p, q),
        Distances.jensenShannon(p, q), Distances.psi(o, e), chi[0], (int) chi[1], chi[2],
        w.confidence().mean(), b.confidence().mean());
  }

  private static String pct(Double share) {
    return share == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
