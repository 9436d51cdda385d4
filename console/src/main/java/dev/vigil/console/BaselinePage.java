package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import dev.vigil.alerts.Text;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.monitor.stats.ConfidenceStatistics;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /endpoints/E/baseline}: the baseline's class distribution, confidence and constraints. */
final class BaselinePage {
  private BaselinePage() {}

  /**
   * @param source where the baseline was read (a location, or "the latest report")
   * @param statistics the baseline's statistics, null when there is none
   * @param constraints the limits windows are held to, null when unknown
   */
  static String render(String endpoint, String source, WindowStatistics statistics, Constraints constraints) {
    StringBuilder b = new StringBuilder();
    String crumbs = Html.crumbs(Html.link(Html.endpointHref(endpoint), endpoint),
        Html.link(Html.endpointHref(endpoint) + "/baseline", "baseline"));
    if (statistics == null) {
      b.append("<p id=\"no-baseline\">No baseline: set monitor.baseline and build one with <code>vigil baseline</code>.</p>");
      return Html.page(endpoint + " baseline", crumbs, b.toString());
    }
    b.append("<p>From ").append(html(source)).append(": ").append(statistics.count()).append(" predictions, ")
        .append(statistics.records()).append(" records.</p>\n");
    b.append(Svg.classBars("baseline-distribution", "Baseline class distribution (share of top-1)",
        statistics.classes().stream().map(ClassStatistics::label).toList(),
        statistics.classes().stream().map(ClassStatistics::share).toList(), null));
    ConfidenceStatistics c = statistics.confidence();
    if (c.available()) {
      b.append(Svg.histogram("baseline-confidence", "Baseline top-1 confidence histogram", c.histogram()));
      Map<String, String> rows = new LinkedHashMap<>();
      rows.put("mean top-1 confidence", Html.num(c.mean(), true));
      c.quantiles().forEach((q, v) -> rows.put("top-1 confidence " + q, Html.num(v, true)));
      rows.put("share of top-1 below " + Text.number(c.lowThreshold()), Html.num(c.shareTop1Below(), true));
      rows.put("mean margin top-1 - top-2", Html.num(c.meanMargin(), false));
      table(b, "confidence", rows);
    }
    if (constraints != null) {
      b.append("<h2>Constraints</h2>\n");
      Map<String, String> rows = new LinkedHashMap<>();
      rows.put("minRecords", Long.toString(constraints.minRecords()));
      rows.put("lowConfidenceThreshold", Text.number(constraints.lowConfidenceThreshold()));
      rows.put("classShareMax", Text.number(constraints.classShareMax()));
      constraints.classShareMaxByClass().forEach((k, v) -> rows.put("classShareMax of " + k, Text.number(v)));
      rows.put("drift", constraints.driftMethod().configName() + " <= " + Text.number(constraints.driftLimit()));
      rows.put("lowConfidenceShareMax", Text.number(constraints.lowConfidenceShareMax()));
      rows.put("confidenceDropMax", Text.number(constraints.confidenceDropMax()));
      rows.put("unusableShareMax", Text.number(constraints.unusableShareMax()));
      table(b, "constraints", rows);
    }
    return Html.page(endpoint + " baseline", crumbs, b.toString());
  }

  private static void table(StringBuilder b, String id, Map<String, String> rows) {
    b.append("<table id=\"").append(id).append("\"><tbody>");
    rows.forEach((k, v) -> b.append("<tr><th>").append(html(k)).append("</th><td>").append(html(v)).append("</td></tr>"));
    b.append("</tbody></table>\n");
  }
}
