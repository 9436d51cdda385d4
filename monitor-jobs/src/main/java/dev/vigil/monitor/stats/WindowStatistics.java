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
 * @param outputFormats records by the format their response was read in ({@code
 *     output.format: auto} names what it recognised, e.g. {@code predictions/class-index}); a
 *     mixed window lists several. Empty in statistics written before formats were counted.
 * @param unreadableOutputs why outputs could not be read, most frequent first, one example each
 * @param groundTruth accuracy from labels and the estimate from calibrated confidence, or null
 *     when neither labels nor a calibrated baseline exist
 */
public record WindowStatistics(
    long count,
    long records,
    List<ClassStatistics> classes,
    ConfidenceStatistics confidence,
    Map<String, Long> unusable,
    long unusableTotal,
    double completeness,
    Map<String, Long> outputFormats,
    List<UnreadableOutput> unreadableOutputs,
    dev.vigil.monitor.quality.GroundTruthStatistics groundTruth) {

  /** Statistics without a ground-truth section. */
  public WindowStatistics(long count, long records, List<ClassStatistics> classes, ConfidenceStatistics confidence,
      Map<String, Long> unusable, long unusableTotal, double completeness, Map<String, Long> outputFormats,
      List<UnreadableOutput> unreadableOutputs) {
    this(count, records, classes, confidence, unusable, unusableTotal, completeness, outputFormats, unreadableOutputs,
        null);
  }

  /** These statistics with {@code groundTruth} as their ground-truth section. */
  public WindowStatistics withGroundTruth(dev.vigil.monitor.quality.GroundTruthStatistics groundTruth) {
    return new WindowStatistics(count, records, classes, confidence, unusable, unusableTotal, completeness,
        outputFormats, unreadableOutputs, groundTruth);
  }

  public WindowStatistics {
    outputFormats = outputFormats == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputFormats));
    unreadableOutputs = unreadableOutputs == null ? List.of() : List.copyOf(unreadableOutputs);
  }

  /** Records whose response was read but held no readable predictions ({@code unparseable_output}). */
  public long unparseable() {
    Long n = unusable == null ? null : unusable.get(UnusableReason.UNPARSEABLE_OUTPUT.code());
    return n == null ? 0 : n;
  }

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
