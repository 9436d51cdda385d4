package dev.vigil.monitor.check;

import java.util.List;

/**
 * The window set against its baseline: per-class shares and every distance, whichever one the
 * drift check uses.
 *
 * @param classes per-class shares, window vs baseline, by label (union of both)
 * @param lInfinity {@code max_c |p_c - q_c|}
 * @param jensenShannon JS divergence in bits
 * @param psi population stability index (smoothed)
 * @param chiSquare Pearson's X^2 (smoothed baseline)
 * @param chiSquareDf degrees of freedom {@code K - 1}
 * @param chiSquarePValue {@code P(X >= X^2)}
 * @param meanConfidence window mean top-1 confidence, null without confidences
 * @param baselineMeanConfidence baseline mean top-1 confidence, null without
 */
public record BaselineComparison(
    List<ClassDelta> classes,
    double lInfinity,
    double jensenShannon,
    double psi,
    double chiSquare,
    int chiSquareDf,
    double chiSquarePValue,
    Double meanConfidence,
    Double baselineMeanConfidence) {

  /**
   * One class's shares.
   *
   * @param label class label
   * @param index class index in the window, or in the baseline when the window lacks it
   * @param share window share
   * @param baselineShare baseline share
   */
  public record ClassDelta(String label, int index, double share, double baselineShare) {
    /** {@code share - baselineShare}. */
    public double delta() {
      return share - baselineShare;
    }
  }

  /** The class whose share rose most, or null when none rose. */
  public ClassDelta mostIncreased() {
    ClassDelta best = null;
    for (ClassDelta c : classes) {
      if (c.delta() > 0 && (best == null || c.delta() > best.delta())) {
        best = c;
      }
    }
    return best;
  }
}
