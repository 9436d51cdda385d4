package dev.vigil.console;

import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.monitor.flag.FlaggedSample;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the timelines need of one window's report, kept in memory for every window of every
 * endpoint (a few hundred bytes each; the full report is read again when a window is opened).
 *
 * @param id the window
 * @param generatedAt when the monitor wrote the report
 * @param predictions usable predictions
 * @param records capture records read
 * @param shares top-1 share by class label, in class order
 * @param meanConfidence mean top-1 confidence, null without confidences
 * @param lowConfidenceShare share of top-1 below the threshold, null without confidences
 * @param violations one line per violation: {@code type feature (severity)}
 * @param flagged flagged samples listed in the report
 * @param flaggedLocations capture location of each flagged eventId, for the event look-up
 */
record WindowSummary(
    WindowId id,
    Instant generatedAt,
    long predictions,
    long records,
    Map<String, Double> shares,
    Double meanConfidence,
    Double lowConfidenceShare,
    List<String> violations,
    int flagged,
    Map<String, String> flaggedLocations) {

  WindowSummary {
    shares = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shares));
    violations = List.copyOf(violations);
    flaggedLocations = Map.copyOf(flaggedLocations);
  }

  /** @param id the window as its report key names it (whole seconds) */
  static WindowSummary of(WindowId id, MonitorReport r) {
    Map<String, Double> shares = new LinkedHashMap<>();
    for (ClassStatistics c : r.statistics().classes()) {
      shares.put(c.label(), c.share());
    }
    List<String> violations = r.violations().stream().map(WindowSummary::line).toList();
    Map<String, String> locations = new HashMap<>();
    for (FlaggedSample f : r.flaggedSamples()) {
      if (f.eventId() != null && f.location() != null) {
        locations.putIfAbsent(f.eventId(), f.location().uri());
      }
    }
    return new WindowSummary(id, r.generatedAt(), r.statistics().count(),
        r.statistics().records(), shares, r.statistics().confidence().mean(),
        r.statistics().confidence().shareTop1Below(), violations, r.flaggedSamples().size(), locations);
  }

  static String line(Violation v) {
    return v.type().code() + " " + v.featureName() + " (" + v.severity().code() + ")";
  }

  /** The largest class share (0 for an empty window): the home page's trend. */
  double maxShare() {
    return shares.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}
