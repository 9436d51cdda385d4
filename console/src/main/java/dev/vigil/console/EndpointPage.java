package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /endpoints/E}: timelines built from the endpoint's report history in a chosen range:
 * class shares, confidence, violations per window; then the windows themselves.
 */
final class EndpointPage {
  /** Classes drawn in the share timeline: those with the highest share anywhere in the range. */
  static final int CLASSES = 8;
  /** Window rows listed (newest first); the charts always cover the whole range. */
  static final int ROWS = 200;

  private EndpointPage() {}

  static String render(String endpoint, List<WindowSummary> all, Range range) {
    List<WindowSummary> windows = all.stream().filter(w -> range.contains(w.id())).toList();
    StringBuilder b = new StringBuilder();
    b.append("<form class=\"range\" method=\"get\"><label>From <input type=\"date\" name=\"from\" value=\"")
        .append(html(range.from().toString().substring(0, 10))).append("\"></label> <label>to <input type=\"date\"")
        .append(" name=\"to\" value=\"").append(html(range.to().minusSeconds(1).toString().substring(0, 10)))
        .append("\"></label> <button type=\"submit\">Show</button> ");
    for (String q : Range.QUICK) {
      b.append(Html.link(Html.endpointHref(endpoint) + "?last=" + q, "last " + q)).append(' ');
    }
    b.append(Html.link(Html.endpointHref(endpoint) + "/baseline", "baseline")).append("</form>\n");
    b.append("<p>").append(windows.size()).append(" window(s) from ").append(html(Svg.when(range.from())))
        .append(" to ").append(html(Svg.when(range.to()))).append(".</p>\n");

    b.append(Svg.timeLines("class-shares", "Class share of top-1 predictions per window", shareSeries(windows),
        range.from(), range.to(), 1, true));
    b.append(Svg.legend(shareSeries(windows)));
    List<Svg.Series> confidence = List.of(
        new Svg.Series("mean top-1 confidence", points(windows, WindowSummary::meanConfidence)),
        new Svg.Series("share of low-confidence predictions", points(windows, WindowSummary::lowConfidenceShare)));
    b.append(Svg.timeLines("confidence", "Confidence per window", confidence, range.from(), range.to(), 1, true));
    b.append(Svg.legend(confidence));
    List<Svg.Point> violations = windows.stream()
        .map(w -> new Svg.Point(w.id().start(), w.violations().size())).toList();
    b.append(Svg.timeBars("violations", "Violations per window", violations, range.from(), range.to()));

    b.append("<h2>Windows</h2>\n<table id=\"windows\"><thead><tr><th>Window</th><th>Predictions</th>")
        .append("<th>Mean confidence</th><th>Violations</th><th>Flagged</th></tr></thead><tbody>\n");
    List<WindowSummary> newest = new ArrayList<>(windows);
    newest.sort(Comparator.comparing(WindowSummary::id).reversed());
    for (WindowSummary w : newest.subList(0, Math.min(ROWS, newest.size()))) {
      b.append("<tr><td>").append(Html.link(Html.windowHref(endpoint, w.id()), Svg.when(w.id().start()) + " - "
          + Svg.when(w.id().end()))).append("</td><td>").append(w.predictions()).append("</td><td>")
          .append(Html.num(w.meanConfidence(), true)).append("</td><td>");
      w.violations().forEach(v -> b.append("<div class=\"alarm\">").append(html(v)).append("</div>"));
      b.append("</td><td>").append(w.flagged()).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    if (newest.size() > ROWS) {
      b.append("<p class=\"muted\">The newest ").append(ROWS).append(" of ").append(newest.size())
          .append(" windows are listed; narrow the range for older ones.</p>\n");
    }
    return Html.page(endpoint, Html.crumbs(Html.link(Html.endpointHref(endpoint), endpoint)), b.toString());
  }

  static List<Svg.Series> shareSeries(List<WindowSummary> windows) {
    Map<String, Double> peak = new LinkedHashMap<>();
    windows.forEach(w -> w.shares().forEach((label, share) -> peak.merge(label, share, Math::max)));
    return peak.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(CLASSES)
        .map(e -> new Svg.Series(e.getKey(), windows.stream()
            .map(w -> new Svg.Point(w.id().start(), w.shares().getOrDefault(e.getKey(), 0.0))).toList()))
        .toList();
  }

  private static List<Svg.Point> points(List<WindowSummary> windows,
      java.util.function.Function<WindowSummary, Double> value) {
    return windows.stream().filter(w -> value.apply(w) != null)
        .map(w -> new Svg.Point(w.id().start(), value.apply(w))).toList();
  }
}
