package dev.vigil.alerts.report;

import static dev.vigil.alerts.Text.html;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.AlertSection;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.SectionRenderer;
import dev.vigil.alerts.Text;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.classes.ClassScore;
import java.util.Base64;

/**
 * Renders an alert's content as one self-contained static page ({@code report.html}): every image
 * is embedded as a {@code data:} URI, so the page opens from a local disk, from S3 or as a mail
 * attachment without broken links. Every text that comes from data is HTML-escaped.
 */
public final class HtmlReport {
  /** Display width of the charts, in CSS pixels. */
  public static final int CHART_WIDTH = 640;
  /** Display width of a sample's input and overlay, in CSS pixels. */
  public static final int SAMPLE_WIDTH = 224;

  private HtmlReport() {}

  /** The page as a string (UTF-8 when written). */
  public static String render(AlertContent c) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String title = "Vigil report: " + c.endpoint() + " (" + c.variant() + ")";
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(html(title)).append("</title>\n<style>")
        .append("body{font-family:sans-serif;margin:16px;color:#222;background:#fff}")
        .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}")
        .append("th{background:#eee}.critical{color:#b00020;font-weight:bold}.warning{color:#a05a00}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:16px}.charts img{width:").append(CHART_WIDTH).append("px}")
        .append(".gallery{display:flex;flex-wrap:wrap;gap:16px}")
        .append(".sample{border:1px solid #ccc;padding:8px;width:").append(2 * SAMPLE_WIDTH + 24).append("px}")
        .append(".sample img{width:").append(SAMPLE_WIDTH).append("px;image-rendering:pixelated}")
        .append(".pair{display:flex;gap:8px}figure{margin:0}code{font-size:90%}")
        .append("</style></head>\n<body>\n");
    h.append("<h1>").append(html(title)).append("</h1>\n");
    h.append("<p>Window: ").append(html(Text.when(c.windowStart()))).append(" to ")
        .append(html(Text.when(c.windowEnd())));
    c.severity().ifPresent(s -> h.append(". Severity: <span class=\"").append(s.key()).append("\">")
        .append(s.key()).append("</span>"));
    h.append(".</p>\n");
    if (c.backfill()) {
      h.append("<p id=\"backfill\"><b>").append(html(c.backfillNote())).append("</b></p>\n");
    }

    h.append("<h2>Violations</h2>\n");
    if (c.violations().isEmpty()) {
      h.append("<p id=\"no-violations\">No violations in this window.</p>\n");
    } else {
      h.append("<table id=\"violations\"><tr><th>Metric</th><th>Violation</th><th>Value</th><th>Limit</th>")
          .append("<th>Baseline</th><th>Severity</th></tr>\n");
      for (ViolationLine v : c.violations()) {
        h.append("<tr><td>").append(html(v.metric())).append("</td><td>").append(html(v.description()))
            .append("</td><td>").append(html(Text.number(v.value()))).append("</td><td>")
            .append(html(Text.number(v.limit()))).append("</td><td>").append(html(Text.number(v.baseline())))
            .append("</td><td class=\"").append(v.severity().key()).append("\">").append(v.severity().key())
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    if (c.classDistributionChartPng() != null || c.confidenceHistogramPng() != null) {
      h.append("<h2>Charts</h2>\n<div class=\"charts\">");
      figure(h, "class-distribution", c.classDistributionChartPng(), "Predicted-class distribution against the baseline");
      figure(h, "confidence-histogram", c.confidenceHistogramPng(), "Top-1 confidence histogram");
      h.append("</div>\n");
    }
    for (AlertSection section : c.sections()) {
      h.append(SectionRenderer.toHtml(section,
          section.chartPng() == null ? "" : dataUri(section.chartPng()))).append('\n');
    }

    if (!c.heatmaps().isEmpty()) {
      h.append("<h2>Flagged samples (").append(c.heatmaps().size()).append(")</h2>\n<div class=\"gallery\">\n");
      for (HeatmapItem item : c.heatmaps()) {
        h.append("<section class=\"sample\"><h3><code>").append(html(item.eventId())).append("</code></h3>")
            .append("<div class=\"pair\">");
        if (item.inputPng() != null) {
          h.append("<figure><img class=\"input\" alt=\"input\" src=\"").append(dataUri(item.inputPng()))
              .append("\"><figcaption>Input</figcaption></figure>");
        }
        h.append("<figure><img class=\"overlay\" alt=\"FullGrad overlay\" src=\"").append(dataUri(item.overlayPng()))
            .append("\"><figcaption>FullGrad heatmap</figcaption></figure></div>")
            .append("<p>Predicted <b>").append(html(item.predictedLabel())).append("</b> (class ")
            .append(item.predictedClass()).append(") with ").append(html(Text.percent(item.confidence())))
            .append(" confidence</p>");
        if (item.note() != null) {
          h.append("<p class=\"note\"><i>").append(html(item.note())).append("</i></p>");
        }
        if (!item.top5().isEmpty()) {
          h.append("<table class=\"top5\"><tr><th>#</th><th>Class</th><th>Label</th><th>Probability</th></tr>");
          int rank = 1;
          for (ClassScore t : item.top5()) {
            h.append("<tr><td>").append(rank++).append("</td><td>").append(t.index()).append("</td><td>")
                .append(html(t.label())).append("</td><td>").append(html(Text.percent(t.score())))
                .append("</td></tr>");
          }
          h.append("</table>");
        }
        h.append("</section>\n");
      }
      h.append("</div>\n");
    }
    if (c.reportLocation() != null) {
      h.append("<p>Full report data: <code>").append(html(c.reportLocation().toString())).append("</code></p>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void figure(StringBuilder h, String id, byte[] png, String caption) {
    if (png == null) {
      return;
    }
    h.append("<figure><img id=\"").append(id).append("\" alt=\"").append(html(caption)).append("\" src=\"")
        .append(dataUri(png)).append("\"><figcaption>").append(html(caption)).append("</figcaption></figure>");
  }

  private static String dataUri(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }
}
