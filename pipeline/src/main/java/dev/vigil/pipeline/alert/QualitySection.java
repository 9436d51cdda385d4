package dev.vigil.pipeline.alert;

import dev.vigil.alerts.AlertSection;
import dev.vigil.monitor.chart.QualityCharts;
import dev.vigil.monitor.quality.ClassQuality;
import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.report.MonitorReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-quality section of an alert: label coverage, accuracy and the estimate side by side,
 * per-class precision / recall / F1, the confusion-matrix chart and the labels that were not used.
 */
public final class QualitySection {
  private static final Logger log = LoggerFactory.getLogger(QualitySection.class);
  public static final String ID = "model-quality";

  private QualitySection() {}

  /** The section, or null when the report has no ground-truth figures. */
  public static AlertSection of(MonitorReport report) {
    GroundTruthStatistics g = report.statistics().groundTruth();
    if (g == null) {
      return null;
    }
    List<String> text = new ArrayList<>();
    text.add(String.format(Locale.ROOT, "%d of %d predictions had labels (coverage %s; %d label lines read from %s).",
        g.labelled(), report.statistics().count(), pct(g.coverage()), g.labelsRead(), g.source()));
    text.add(String.format(Locale.ROOT, "Accuracy: realised %s, estimated before labels %s (mean calibrated top-1"
            + " confidence, CBPE)%s; macro-F1 %s.", pct(g.accuracy()), pct(g.estimatedAccuracy()),
        g.estimatedAccuracyLabelled() == null || g.accuracy() == null ? ""
            : ", on the labelled predictions " + pct(g.estimatedAccuracyLabelled()),
        pct(g.macroF1())));
    StringBuilder unused = new StringBuilder();
    for (Map.Entry<String, Long> e : g.problems().entrySet()) {
      if (e.getValue() > 0) {
        unused.append(unused.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
      }
    }
    if (unused.length() > 0) {
      text.add("Labels not used: " + unused + ".");
    }
    List<List<String>> rows = new ArrayList<>();
    for (ClassQuality c : g.classes()) {
      rows.add(List.of(c.label(), Long.toString(c.support()), Long.toString(c.predicted()), pct(c.precision()),
          pct(c.recall()), pct(c.f1())));
    }
    byte[] chart = null;
    if (QualityCharts.hasConfusion(report)) {
      try {
        chart = QualityCharts.confusionMatrix(report);
      } catch (RuntimeException e) {
        log.warn("Could not render the confusion matrix ({}); the alert goes out without it", e.toString());
      }
    }
    return new AlertSection(ID, "Model quality (ground truth)", text,
        rows.isEmpty() ? List.of() : List.of("class", "labelled", "predicted", "precision", "recall", "F1"), rows,
        chart, "Confusion matrix of the labelled predictions (true class down, predicted across)");
  }

  private static String pct(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
