package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.Text;
import dev.vigil.monitor.check.BaselineComparison;
import dev.vigil.monitor.check.CheckResult;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.pipeline.replay.SaliencyReplay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /endpoints/E/windows/W}: what {@code report.html} shows (violations, the class
 * distribution against the baseline, the confidence histogram, the flagged samples with input,
 * FullGrad heatmap and top-k) plus every check, the statistics and links to the raw files.
 */
final class WindowPage {
  /** Flagged samples shown in the gallery (each eventId once). */
  static final int GALLERY = 60;
  /** Fields of a saliency index entry the gallery shows itself; any other is a later score, listed. */
  private static final Set<String> KNOWN_INDEX_FIELDS = Set.of("eventId", "location", "status", "reason",
      "predictedClass", "label", "confidence", "explainedClass", "top5", "overlay", "panel", "screening");

  private WindowPage() {}

  /**
   * @param index the window's {@code saliency/index.json}, null when no replay ran
   * @param previous the window before, or null
   * @param next the window after, or null
   */
  static String render(String endpoint, WindowId id, MonitorReport r, JsonNode index, WindowId previous,
      WindowId next) {
    String files = Html.windowHref(endpoint, id) + "/files/";
    StringBuilder b = new StringBuilder();
    b.append("<p class=\"nav\">");
    if (previous != null) {
      b.append(Html.link(Html.windowHref(endpoint, previous), "< previous window")).append(' ');
    }
    if (next != null) {
      b.append(Html.link(Html.windowHref(endpoint, next), "next window >")).append(' ');
    }
    b.append("Raw: ").append(Html.link(files + ReportKeys.REPORT, ReportKeys.REPORT)).append(", ")
        .append(Html.link(files + ReportKeys.CONSTRAINT_VIOLATIONS, ReportKeys.CONSTRAINT_VIOLATIONS));
    if (index != null) {
      b.append(", ").append(Html.link(files + SaliencyReplay.INDEX, SaliencyReplay.INDEX));
    }
    b.append("</p>\n<p>").append(r.statistics().count()).append(" predictions from ").append(r.statistics().records())
        .append(" captured records (completeness ").append(html(Text.percent(r.completeness())))
        .append("), read from ").append(html(r.source())).append(", report written ")
        .append(html(Svg.when(r.generatedAt()))).append(".</p>\n");

    b.append("<h2>Violations</h2>\n");
    if (r.violations().isEmpty()) {
      b.append("<p id=\"no-violations\" class=\"ok\">No violations in this window.</p>\n");
    } else {
      b.append("<table id=\"violations\"><thead><tr><th>Check</th><th>Feature</th><th>Description</th><th>Value</th>")
          .append("<th>Limit</th><th>Baseline</th><th>Severity</th></tr></thead><tbody>\n");
      for (Violation v : r.violations()) {
        b.append("<tr><td>").append(html(v.type().code())).append("</td><td>").append(html(v.featureName()))
            .append("</td><td>").append(html(v.description())).append("</td><td>").append(html(Text.number(v.value())))
            .append("</td><td>").append(html(Text.number(v.limit()))).append("</td><td>")
            .append(html(Text.number(v.baselineValue()))).append("</td><td class=\"").append(html(v.severity().code()))
            .append("\">").append(html(v.severity().code())).append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }

    b.append("<h2>Charts</h2>\n").append(distribution(r));
    b.append(Svg.histogram("confidence-histogram", "Top-1 confidence histogram (records per bin)",
        r.statistics().confidence().histogram()));
    b.append("<p class=\"muted\">The monitor's PNG charts: ")
        .append(Html.link(files + ReportKeys.CLASS_DISTRIBUTION_PNG, "class distribution")).append(", ")
        .append(Html.link(files + ReportKeys.CONFIDENCE_HISTOGRAM_PNG, "confidence histogram")).append(", ")
        .append(Html.link(files + ReportKeys.CLASS_SHARE_HISTORY_PNG, "share history")).append(".</p>\n");

    b.append(QualityPanel.render(r, files));

    b.append(SignalsPanel.render(r, files));
    gallery(b, endpoint, r, index, files);

    b.append("<h2>Every check</h2>\n<table id=\"checks\"><thead><tr><th>Check</th><th>Feature</th><th>Status</th>")
        .append("<th>Value</th><th>Limit</th><th>Baseline</th><th>Description</th></tr></thead><tbody>\n");
    for (CheckResult c : r.checks()) {
      b.append("<tr><td>").append(html(c.type().code())).append("</td><td>").append(html(c.featureName()))
          .append("</td><td class=\"status-").append(html(c.status().name().toLowerCase(java.util.Locale.ROOT)))
          .append("\">").append(html(c.status().name().toLowerCase(java.util.Locale.ROOT))).append("</td><td>")
          .append(html(Text.number(c.value()))).append("</td><td>").append(html(Text.number(c.limit())))
          .append("</td><td>").append(html(Text.number(c.baselineValue()))).append("</td><td>")
          .append(html(c.description())).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    String title = endpoint + ", " + Svg.when(id.start()) + " - " + Svg.when(id.end());
    return Html.page(title, Html.crumbs(Html.link(Html.endpointHref(endpoint), endpoint),
        Html.link(Html.windowHref(endpoint, id), Svg.when(id.start()))), b.toString());
  }

  private static String distribution(MonitorReport r) {
    List<String> labels = new ArrayList<>();
    List<Double> window = new ArrayList<>();
    List<Double> baseline = null;
    BaselineComparison cmp = r.comparison();
    if (cmp != null) {
      baseline = new ArrayList<>();
      for (BaselineComparison.ClassDelta c : cmp.classes()) {
        labels.add(c.label());
        window.add(c.share());
        baseline.add(c.baselineShare());
      }
    } else {
      for (ClassStatistics c : r.statistics().classes()) {
        labels.add(c.label());
        window.add(c.share());
      }
    }
    return Svg.classBars("class-distribution", cmp == null ? "Predicted classes (share of top-1)"
        : "Predicted classes: window (blue) against the baseline (grey)", labels, window, baseline);
  }

  private static void gallery(StringBuilder b, String endpoint, MonitorReport r, JsonNode index, String files) {
    Map<String, JsonNode> replayed = new HashMap<>();
    if (index != null) {
      index.path("samples").forEach(s -> replayed.put(s.path("eventId").asText(), s));
    }
    Map<String, FlaggedSample> distinct = new LinkedHashMap<>();
    for (FlaggedSample s : r.flaggedSamples()) {
      if (s.eventId() != null) {
        distinct.putIfAbsent(s.eventId(), s);
      }
    }
    b.append("<h2>Flagged samples (").append(distinct.size()).append(")</h2>\n");
    if (distinct.isEmpty()) {
      b.append("<p class=\"muted\">No samples were flagged in this window.</p>\n");
      return;
    }
    if (index == null) {
      b.append("<p class=\"muted\">No saliency replay for this window (saliency.model not set, or the replay has not"
          + " finished); open a sample to run FullGrad on it.</p>\n");
    }
    b.append("<div class=\"gallery\">\n");
    distinct.values().stream().limit(GALLERY).forEach(s -> {
      String loc = s.location() == null ? null : s.location().uri();
      JsonNode rep = replayed.get(s.eventId());
      b.append("<section class=\"sample\"><h3>").append(Html.link(Html.eventHref(endpoint, s.eventId(), loc),
          s.eventId())).append("</h3><div class=\"pair\">");
      if (loc != null) {
        b.append("<figure><img class=\"input\" loading=\"lazy\" alt=\"input\" src=\"")
            .append(html("/event/input?endpoint=" + Html.url(endpoint) + "&loc=" + Html.url(loc)))
            .append("\"><figcaption>Input</figcaption></figure>");
      }
      if (rep != null && "ok".equals(rep.path("status").asText()) && rep.hasNonNull("overlay")) {
        b.append("<figure><img class=\"overlay\" loading=\"lazy\" alt=\"FullGrad heatmap\" src=\"")
            .append(html(files + SaliencyReplay.FOLDER + Html.url(rep.path("overlay").asText())))
            .append("\"><figcaption>FullGrad heatmap</figcaption></figure>");
      } else if (rep != null) {
        b.append("<p class=\"muted\">No heatmap: ").append(html(rep.path("reason").asText())).append("</p>");
      }
      b.append("</div><p>").append(html(s.violation().code())).append(": predicted <b>")
          .append(html(s.predictedLabel())).append("</b>")
          .append(s.confidence() == null ? "" : " with " + html(Text.percent(s.confidence()))).append("</p>")
          .append(SignalsPanel.verdict(s.screening()));
      if (!s.topK().isEmpty()) {
        b.append("<table class=\"topk\"><tr><th>Class</th><th>Score</th></tr>");
        s.topK().forEach(c -> b.append("<tr><td>").append(html(c.label())).append("</td><td>")
            .append(html(Text.percent(c.score()))).append("</td></tr>"));
        b.append("</table>");
      }
      if (rep != null) {
        rep.properties().forEach(e -> {
          if (!KNOWN_INDEX_FIELDS.contains(e.getKey())) {
            b.append("<p class=\"score\">").append(html(e.getKey())).append(": ")
                .append(html(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()))
                .append("</p>");
          }
        });
      }
      b.append("</section>\n");
    });
    b.append("</div>\n");
    if (distinct.size() > GALLERY) {
      b.append("<p class=\"muted\">").append(GALLERY).append(" of ").append(distinct.size())
          .append(" flagged samples shown; all are in report.json.</p>\n");
    }
  }
}
