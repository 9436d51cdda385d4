package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code /}: every endpoint with its last window, its open violations and a trend sparkline. */
final class HomePage {
  /** Windows in a sparkline. */
  static final int TREND_WINDOWS = 24;

  private HomePage() {}

  /** One endpoint's row. */
  record Row(String endpoint, String variant, List<WindowSummary> windows) {}

  static String render(List<Row> rows, Instant now) {
    StringBuilder b = new StringBuilder("<table id=\"endpoints\"><thead><tr><th>Endpoint</th><th>Last window</th>")
        .append("<th>Predictions</th><th>Open violations</th><th>Top class share, last ").append(TREND_WINDOWS)
        .append(" windows</th></tr></thead><tbody>\n");
    for (Row r : rows) {
      b.append("<tr class=\"endpoint\"><td>").append(Html.link(Html.endpointHref(r.endpoint()), r.endpoint()))
          .append(" <span class=\"muted\">").append(html(r.variant())).append("</span></td>");
      if (r.windows().isEmpty()) {
        b.append("<td colspan=\"4\" class=\"muted\">no reports yet</td></tr>\n");
        continue;
      }
      WindowSummary last = r.windows().get(r.windows().size() - 1);
      b.append("<td>").append(Html.link(Html.windowHref(r.endpoint(), last.id()), Svg.when(last.id().start())))
          .append(" <span class=\"muted\">(").append(html(ago(last.id().end(), now))).append(")</span></td><td>")
          .append(last.predictions()).append("</td><td>");
      if (last.violations().isEmpty()) {
        b.append("<span class=\"ok\">none</span>");
      } else {
        b.append("<ul class=\"violations\">");
        last.violations().forEach(v -> b.append("<li class=\"alarm\">").append(html(v)).append("</li>"));
        b.append("</ul>");
      }
      List<WindowSummary> trend = r.windows().subList(Math.max(0, r.windows().size() - TREND_WINDOWS), r.windows().size());
      b.append("</td><td>").append(Svg.sparkline(trend.stream().map(WindowSummary::maxShare).toList(),
          trend.stream().map(w -> !w.violations().isEmpty()).toList(), 1)).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    return Html.page("Endpoints", "", b.toString());
  }

  static String ago(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    if (d.isNegative()) {
      return "in progress";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + " min ago";
    }
    if (d.toHours() < 48) {
      return d.toHours() + " h ago";
    }
    return d.toDays() + " days ago";
  }
}
