package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import dev.vigil.monitor.quality.ClassQuality;
import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The window page's model-quality section: coverage, realised accuracy beside the estimate,
 * per-class precision / recall / F1, the confusion matrix (as a table, with the monitor's PNG
 * linked) and the labels not used, by reason.
 */
final class QualityPanel {
  private QualityPanel() {}

  /** The section's HTML, or "" when the report has no ground-truth figures. */
  static String render(MonitorReport r, String files) {
    GroundTruthStatistics g = r.statistics().groundTruth();
    if (g == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(4096);
    b.append("<h2 id=\"model-quality\">Model quality</h2>\n<table id=\"accuracy\"><tr><th>Labelled predictions</th>")
        .append("<th>Accuracy (labels)</th><th>Estimated accuracy (before labels)</th><th>Macro-F1</th></tr><tr><td>")
        .append(g.labelled()).append(" of ").append(r.statistics().count()).append(" (").append(pct(g.coverage()))
        .append(")</td><td>").append(pct(g.accuracy())).append("</td><td>").append(pct(g.estimatedAccuracy()));
    if (g.estimatedAccuracyLabelled() != null && g.accuracy() != null) {
      b.append(" (on the labelled: ").append(pct(g.estimatedAccuracyLabelled())).append(')');
    }
    b.append("</td><td>").append(pct(g.macroF1())).append("</td></tr></table>\n");
    b.append("<p class=\"muted\">").append(g.labelsRead()).append(" label lines read from ").append(html(g.source()));
    StringBuilder unused = new StringBuilder();
    for (Map.Entry<String, Long> e : g.problems().entrySet()) {
      if (e.getValue() > 0) {
        unused.append(unused.length() == 0 ? "" : ", ").append(html(e.getKey())).append(' ').append(e.getValue());
      }
    }
    b.append(unused.length() == 0 ? "; every label was used" : "; not used: " + unused).append(".</p>\n");
    if (!g.classes().isEmpty()) {
      b.append("<table id=\"class-quality\"><thead><tr><th>Class</th><th>Labelled</th><th>Predicted</th>")
          .append("<th>Precision</th><th>Recall</th><th>F1</th></tr></thead><tbody>\n");
      for (ClassQuality c : g.classes()) {
        b.append("<tr><td>").append(html(c.label())).append("</td><td>").append(c.support()).append("</td><td>")
            .append(c.predicted()).append("</td><td>").append(pct(c.precision())).append("</td><td>")
            .append(pct(c.recall())).append("</td><td>").append(pct(c.f1())).append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    if (g.confusion() != null && g.labelled() > 0) {
      confusion(b, g);
      b.append("<p class=\"muted\">").append(Html.link(files + ReportKeys.CONFUSION_MATRIX_PNG, "confusion matrix chart"))
          .append("</p>\n");
    }
    return b.toString();
  }

  /** The matrix over the classes in play (label or prediction), true class down. */
  private static void confusion(StringBuilder b, GroundTruthStatistics g) {
    List<List<Long>> c = g.confusion();
    List<Integer> shown = new java.util.ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      long sum = 0;
      for (int j = 0; j < c.size(); j++) {
        sum += c.get(i).get(j) + c.get(j).get(i);
      }
      if (sum > 0) {
        shown.add(i);
      }
    }
    b.append("<table id=\"confusion\"><thead><tr><th>true \\ predicted</th>");
    shown.forEach(j -> b.append("<th>").append(html(g.confusionLabels().get(j))).append("</th>"));
    b.append("</tr></thead><tbody>\n");
    for (int i : shown) {
      b.append("<tr><th>").append(html(g.confusionLabels().get(i))).append("</th>");
      for (int j : shown) {
        long v = c.get(i).get(j);
        b.append(i == j ? "<td class=\"ok\">" : v > 0 ? "<td class=\"critical\">" : "<td>").append(v).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  private static String pct(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
