package dev.vigil.monitor.stats;

import java.util.List;
import java.util.Map;

/**
 * Statistics of one window of captured predictions; also the content of a baseline's {@code
 * statistics.json}.
 *
 * @param count usable predictions (a batched response counts once per item)
 * @param records capture records read inside the window (usable or not)
 * @param classes per-class top-1 counts and shares, by class index (classes never predicted are
 *     included when a labels file names them)
 * @param confidence top-1 confidence figures
 * @param unusable unusable record counts by reason code ({@link UnusableReason#code()})
 * @param unusableTotal sum of {@code unusable}
 * @param completeness {@code 1 - unusableTotal / records} (1 when the window is empty)
 */
public record WindowStatistics(
    long count,
    long records,
    List<ClassStatistics> classes,
    ConfidenceStatistics confidence,
    Map<String, Long> unusable,
    long unusableTotal,
    double completeness) {

  /** Top-1 share of a class label, 0 when absent. */
  public double shareOf(String label) {
    for (ClassStatistics c : classes) {
      if (c.label().equals(label)) {
        return c.share();
      }
    }
    return 0;
  }

  /** Share of unusable records: {@code 1 - completeness}. */
  public double unusableShare() {
    return records == 0 ? 0 : (double) unusableTotal / records;
  }
}
