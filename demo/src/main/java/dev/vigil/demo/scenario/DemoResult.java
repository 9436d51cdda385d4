package dev.vigil.demo.scenario;

import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.window.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a demo run did and where its files are.
 *
 * @param config the Vigil configuration the run used ({@code vigil-demo.yaml}; ports of that run)
 * @param attack the PGD run over the attack window's adversarial images
 * @param servedAsStop adversarial requests the model server answered with Stop, through the agent
 * @param baselineWindow the window the baseline was built from
 * @param baselineCaptured records captured in it
 * @param cleanReport the clean check window's report (judged against the baseline)
 * @param attackBeforeLabels the attack window's first report, before its labels arrived (the
 *     accuracy estimated from calibrated confidence only)
 * @param attackReport the attack window's report after its labels arrived (it replaced the first)
 * @param baselineDir statistics.json and constraints.json
 * @param eml the alert email as received by the SMTP server, or null when none arrived
 * @param reportHtml the alert's report.html, or null
 * @param heatmaps the replay's FullGrad overlays and panels
 * @param pairs clean-vs-adversarial FullGrad pairs
 * @param charts the monitor's charts for the attack window
 * @param stageTimes wall time per stage, in order
 */
public record DemoResult(
    Path config,
    StopSignAttack.Run attack,
    int servedAsStop,
    Window baselineWindow,
    long baselineCaptured,
    MonitorReport cleanReport,
    MonitorReport attackBeforeLabels,
    MonitorReport attackReport,
    Path baselineDir,
    Path eml,
    Path reportHtml,
    List<Path> heatmaps,
    List<Path> pairs,
    List<Path> charts,
    Map<String, Duration> stageTimes) {

  public DemoResult {
    heatmaps = List.copyOf(heatmaps);
    pairs = List.copyOf(new java.util.LinkedHashSet<>(pairs)); // each alert's replay redraws its pairs
    charts = List.copyOf(charts);
    stageTimes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageTimes));
  }

  /** Whether the attack window has a violation of {@code type} (for class shares: of {@code classIndex}). */
  public boolean attackFound(ViolationType type, Integer classIndexOrNull) {
    return attackReport.violations().stream().anyMatch(v -> v.type() == type
        && (classIndexOrNull == null || classIndexOrNull.equals(v.classIndex())));
  }

  /**
   * The demo's story held: clean window quiet, Stop over-predicted, low confidence and, once the
   * labels arrived, accuracy collapsing in the attack window, an email.
   */
  public boolean succeeded(int stopClass) {
    return cleanReport.violations().isEmpty() && attackFound(ViolationType.CLASS_SHARE_EXCEEDED, stopClass)
        && attackFound(ViolationType.LOW_CONFIDENCE, null) && attackFound(ViolationType.ACCURACY_DROP, null)
        && eml != null;
  }

  /** Violation codes of a report, for messages. */
  public static List<String> codes(MonitorReport report) {
    return report.violations().stream().map(Violation::type).map(ViolationType::code).toList();
  }
}
