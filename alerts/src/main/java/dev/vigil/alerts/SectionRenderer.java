package dev.vigil.alerts;

/** {@link AlertSection}s as HTML (e-mail and report.html, each with its own image source) and as plain text. */
public final class SectionRenderer {
  private SectionRenderer() {}

  /**
   * @param imageSrc where the section's chart is found ({@code cid:...} in e-mail, a {@code data:}
   *     URI in report.html); ignored without a chart
   */
  public static String toHtml(AlertSection s, String imageSrc) {
    StringBuilder h = new StringBuilder(2048);
    h.append("<section id=\"").append(Text.html(s.id())).append("\"><h2 style=\"font-size:16px\">").append(Text.html(s.title()))
        .append("</h2>");
    for (String p : s.paragraphs()) {
      h.append("<p>").append(Text.html(p)).append("</p>");
    }
    if (!s.header().isEmpty()) {
      h.append("<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr>");
      s.header().forEach(c -> h.append("<th>").append(Text.html(c)).append("</th>"));
      h.append("</tr>");
      for (var row : s.rows()) {
        h.append("<tr>");
        row.forEach(c -> h.append("<td>").append(Text.html(c)).append("</td>"));
        h.append("</tr>");
      }
      h.append("</table>");
    }
    if (s.chartPng() != null) {
      h.append("<figure style=\"margin:8px 0\"><img src=\"").append(Text.html(imageSrc)).append("\" alt=\"")
          .append(Text.html(s.chartCaption())).append("\" style=\"max-width:100%\"><figcaption>").append(Text.html(s.chartCaption()))
          .append("</figcaption></figure>");
    }
    return h.append("</section>").toString();
  }

  /** The section as text lines for the plain-text e-mail part. */
  public static String toText(AlertSection s) {
    StringBuilder t = new StringBuilder(1024);
    t.append('\n').append(s.title()).append(":\n");
    for (String p : s.paragraphs()) {
      t.append("  ").append(Text.oneLine(p)).append('\n');
    }
    if (!s.header().isEmpty()) {
      t.append("  ").append(String.join(" | ", s.header())).append('\n');
      for (var row : s.rows()) {
        t.append("  ").append(String.join(" | ", row)).append('\n');
      }
    }
    return t.toString();
  }
}
