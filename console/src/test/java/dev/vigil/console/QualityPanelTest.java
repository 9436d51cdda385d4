package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.quality.ClassQuality;
import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.stats.ConfidenceStatistics;
import dev.vigil.monitor.stats.WindowStatistics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The window page's model-quality panel: accuracy beside its estimate, per-class figures, the matrix. */
class QualityPanelTest {
  private static MonitorReport report(GroundTruthStatistics g) {
    ConfidenceStatistics conf = new ConfidenceStatistics(true, 0.5, 0.8, Map.of(), 0.1, 0.0, 0.5, 0.4, List.of());
    WindowStatistics w = new WindowStatistics(10, 10, List.of(), conf, Map.of(), 0, 1, Map.of(), List.of(), g);
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    return new MonitorReport("signs", "v1", t, t.plusSeconds(3600), t, "s3", "probabilities", w, null, null,
        Constraints.defaults(), List.of(), List.of(), List.of(), 1.0);
  }

  @Test
  void showsEstimateBesideAccuracyTheClassesTheMatrixAndUnusedLabels() {
    GroundTruthStatistics g = new GroundTruthStatistics("s3", 12, 8, 0.8,
        Map.of("unmatched_id", 3L, "duplicate", 1L, "malformed_line", 0L), Map.of(), 0.5, 0.4,
        List.of(new ClassQuality(0, "Yield", 4, 1, 1.0, 0.25, 0.4), new ClassQuality(1, "<Stop>", 4, 7, 4 / 7.0, 1.0, 0.727)),
        List.of("Yield", "<Stop>"), List.of(List.of(1L, 3L), List.of(0L, 4L)), 0.62, 0.6, null);
    String html = QualityPanel.render(report(g), "/files/");
    assertThat(html).contains("<h2 id=\"model-quality\">").contains("8 of 10 (80.0%)").contains("<td>50.0%</td>")
        .contains("62.0% (on the labelled: 60.0%)").contains("&lt;Stop&gt;").contains("<td>57.1%</td>")
        .contains("<td class=\"critical\">3</td>").contains("unmatched_id 3").contains("duplicate 1")
        .doesNotContain("malformed_line").contains("/files/confusion_matrix.png");
  }

  @Test
  void nothingWithoutGroundTruth() {
    assertThat(QualityPanel.render(report(null), "/files/")).isEmpty();
  }
}
