package dev.vigil.alerts.email;

import static dev.vigil.alerts.Text.html;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.AlertSection;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.SectionRenderer;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.Text;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.delivery.Alert;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the alert email.
 *
 * <pre>
 * multipart/mixed
 *   multipart/alternative
 *     text/plain
 *     multipart/related
 *       text/html                       (cid: references only)
 *       image/png  chart-classes@vigil    class distribution vs baseline
 *       image/png  chart-confidence@vigil confidence histogram
 *       image/png  heatmap-N@vigil        thumbnails
 *   image/png  heatmap-N-EVENTID.png     full-size heatmaps (attachments)
 *   application/json report.json
 * </pre>
 *
 * <p>Size cap: the message is serialized and measured; while it is over the cap, heatmaps are
 * dropped from the end (they come most important first), then report.json. The email says how
 * many heatmaps were left out and where the full report is.
 */
final class EmailComposer {
  private static final Logger log = LoggerFactory.getLogger(EmailComposer.class);
  /** Thumbnail width in the email body, in pixels. */
  static final int THUMB_WIDTH = 200;
  static final String CID_CLASSES = "chart-classes@vigil";
  static final String CID_CONFIDENCE = "chart-confidence@vigil";

  private final Session session;
  private final InternetAddress from;
  private final Recipients recipients;
  private final long maxBytes;

  EmailComposer(Session session, InternetAddress from, Recipients recipients, long maxBytes) {
    this.session = session;
    this.from = from;
    this.recipients = recipients;
    this.maxBytes = maxBytes;
  }

  /** The serialized message (.eml bytes), at most {@code maxBytes} unless even the bare message is larger. */
  byte[] compose(Alert alert) throws MessagingException, IOException {
    AlertContent c = alert.content();
    List<String> to = to(alert);
    if (to.isEmpty()) {
      throw new IllegalStateException("no recipient for endpoint '" + c.endpoint()
          + "': set alerts.recipients, alerts.endpointRecipients or alerts.severityRecipients");
    }
    List<byte[]> thumbs = new ArrayList<>();
    for (HeatmapItem item : c.heatmaps()) {
      thumbs.add(thumbnail(item.overlayPng()));
    }
    int heatmaps = alert.kind() == Alert.Kind.ALERT ? c.heatmaps().size() : 0;
    boolean withJson = c.reportJson() != null && alert.kind() == Alert.Kind.ALERT;
    while (true) {
      byte[] eml = serialize(build(alert, to, heatmaps, thumbs, withJson));
      if (eml.length <= maxBytes) {
        return eml;
      }
      if (heatmaps > 0) {
        // Estimate how many to drop from the average cost of one, then re-measure.
        long over = eml.length - maxBytes;
        long perHeatmap = Math.max(1, averageEncodedCost(c, thumbs, heatmaps));
        int drop = (int) Math.max(1, Math.min(heatmaps, (over + perHeatmap - 1) / perHeatmap));
        heatmaps -= drop;
      } else if (withJson) {
        withJson = false;
      } else {
        log.warn("Alert {} is {} bytes even without heatmaps and report.json, over the {} byte cap; sending it anyway",
            alert.id(), eml.length, maxBytes);
        return eml;
      }
    }
  }

  private static long averageEncodedCost(AlertContent c, List<byte[]> thumbs, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += c.heatmaps().get(i).overlayPng().length + thumbs.get(i).length;
    }
    return (sum / n) * 137 / 100 + 600; // base64 with line breaks, plus part headers
  }

  private List<String> to(Alert alert) {
    Set<Severity> severities = EnumSet.noneOf(Severity.class);
    alert.content().violations().forEach(v -> severities.add(v.severity()));
    alert.cleared().forEach(v -> severities.add(v.severity()));
    return recipients.resolve(alert.content().endpoint(), severities);
  }

  private MimeMessage build(Alert alert, List<String> to, int heatmaps, List<byte[]> thumbs, boolean withJson)
      throws MessagingException {
    AlertContent c = alert.content();
    MimeMessage msg = new StableIdMessage(session, messageId(alert));
    msg.setFrom(from);
    msg.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(String.join(",", to), true));
    msg.setSubject(subject(alert), "UTF-8");
    msg.setSentDate(Date.from(alert.createdAt()));
    msg.setHeader("X-Vigil-Endpoint", Text.oneLine(c.endpoint()));
    msg.setHeader("X-Vigil-Alert-Id", alert.id());
    int omitted = c.heatmaps().size() - heatmaps;

    MimeMultipart related = new MimeMultipart("related");
    MimeBodyPart htmlPart = new MimeBodyPart();
    htmlPart.setText(htmlBody(alert, heatmaps, omitted), "UTF-8", "html");
    related.addBodyPart(htmlPart);
    if (alert.kind() == Alert.Kind.ALERT) {
      if (c.classDistributionChartPng() != null) {
        related.addBodyPart(png(c.classDistributionChartPng(), CID_CLASSES, "class-distribution.png", Part.INLINE));
      }
      if (c.confidenceHistogramPng() != null) {
        related.addBodyPart(png(c.confidenceHistogramPng(), CID_CONFIDENCE, "confidence-histogram.png", Part.INLINE));
      }
      for (int i = 0; i < heatmaps; i++) {
        related.addBodyPart(png(thumbs.get(i), heatmapCid(i), "thumb-" + (i + 1) + ".png", Part.INLINE));
      }
      for (AlertSection section : c.sections()) {
        if (section.chartPng() != null) {
          related.addBodyPart(png(section.chartPng(), sectionCid(section), section.id() + ".png", Part.INLINE));
        }
      }
    }
    MimeBodyPart relatedPart = new MimeBodyPart();
    relatedPart.setContent(related);

    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart textPart = new MimeBodyPart();
    textPart.setText(text(alert, heatmaps, omitted), "UTF-8", "plain");
    alternative.addBodyPart(textPart);
    alternative.addBodyPart(relatedPart);
    MimeBodyPart alternativePart = new MimeBodyPart();
    alternativePart.setContent(alternative);

    MimeMultipart mixed = new MimeMultipart("mixed");
    mixed.addBodyPart(alternativePart);
    for (int i = 0; i < heatmaps; i++) {
      HeatmapItem item = c.heatmaps().get(i);
      mixed.addBodyPart(png(item.overlayPng(), null, attachmentName(i, item), Part.ATTACHMENT));
    }
    if (withJson) {
      MimeBodyPart json = new MimeBodyPart();
      json.setDataHandler(new DataHandler(new ByteArrayDataSource(c.reportJson(), "application/json")));
      json.setFileName("report.json");
      json.setDisposition(Part.ATTACHMENT);
      mixed.addBodyPart(json);
    }
    msg.setContent(mixed);
    msg.saveChanges();
    return msg;
  }

  static String attachmentName(int index, HeatmapItem item) {
    String id = item.eventId().replaceAll("[^A-Za-z0-9_-]", "_");
    if (id.length() > 64) {
      id = id.substring(0, 64);
    }
    return "heatmap-" + (index + 1) + "-" + id + ".png";
  }

  static String sectionCid(AlertSection section) {
    return "section-" + section.id().replaceAll("[^A-Za-z0-9_-]", "_") + "@vigil";
  }

  static String heatmapCid(int index) {
    return "heatmap-" + (index + 1) + "@vigil";
  }

  private String messageId(Alert alert) {
    String address = from.getAddress();
    int at = address.lastIndexOf('@');
    String domain = at >= 0 && at < address.length() - 1 ? address.substring(at + 1) : "vigil.local";
    return "<" + alert.id() + "." + alert.kind().name().toLowerCase(java.util.Locale.ROOT) + "@" + domain + ">";
  }

  static String subject(Alert alert) {
    AlertContent c = alert.content();
    String endpoint = Text.oneLine(c.endpoint());
    if (alert.kind() == Alert.Kind.RESOLVED) {
      int n = alert.cleared().size();
      return "[Vigil] " + endpoint + ": resolved, " + n + (n == 1 ? " violation" : " violations") + " cleared";
    }
    ViolationLine worst = c.worst().orElseThrow();
    int more = c.violations().size() - 1;
    return "[Vigil] " + endpoint + ": " + Text.oneLine(worst.description()) + (more > 0 ? " (+" + more + " more)" : "");
  }

  private static String htmlBody(Alert alert, int heatmaps, int omitted) {
    AlertContent c = alert.content();
    StringBuilder h = new StringBuilder(8 * 1024);
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(html(subject(alert)))
        .append("</title></head><body style=\"font-family:sans-serif;color:#222\">");
    String heading = alert.kind() == Alert.Kind.RESOLVED ? "Resolved: " : "Vigil alert: ";
    h.append("<h1 style=\"font-size:20px\">").append(heading).append(html(c.endpoint())).append(" (")
        .append(html(c.variant())).append(")</h1>");
    h.append("<p>Window: ").append(html(Text.when(c.windowStart()))).append(" to ")
        .append(html(Text.when(c.windowEnd()))).append("</p>");
    if (c.backfill()) {
      h.append("<p id=\"backfill\"><b>").append(html(c.backfillNote())).append("</b></p>");
    }
    if (alert.kind() == Alert.Kind.RESOLVED) {
      h.append("<p>All violations of this endpoint cleared in this window:</p>");
      table(h, alert.cleared());
    } else {
      table(h, c.violations());
      if (c.classDistributionChartPng() != null) {
        h.append("<h2 style=\"font-size:16px\">Predicted classes against the baseline</h2>")
            .append("<img src=\"cid:").append(CID_CLASSES).append("\" alt=\"class distribution chart\" style=\"max-width:100%\">");
      }
      if (c.confidenceHistogramPng() != null) {
        h.append("<h2 style=\"font-size:16px\">Top-1 confidence</h2>")
            .append("<img src=\"cid:").append(CID_CONFIDENCE).append("\" alt=\"confidence histogram\" style=\"max-width:100%\">");
      }
      for (AlertSection section : c.sections()) {
        h.append(SectionRenderer.toHtml(section, "cid:" + sectionCid(section)));
      }
      if (heatmaps > 0) {
        h.append("<h2 style=\"font-size:16px\">FullGrad heatmaps of flagged samples</h2><table><tr>");
        for (int i = 0; i < heatmaps; i++) {
          HeatmapItem item = c.heatmaps().get(i);
          if (i > 0 && i % 3 == 0) {
            h.append("</tr><tr>");
          }
          h.append("<td style=\"padding:4px;vertical-align:top\"><img src=\"cid:").append(heatmapCid(i))
              .append("\" width=\"").append(THUMB_WIDTH).append("\" alt=\"heatmap ").append(i + 1).append("\"><br>")
              .append("<b>").append(html(item.predictedLabel())).append("</b> (class ").append(item.predictedClass())
              .append(")<br>").append(html(Text.percent(item.confidence()))).append(" confidence<br>")
              .append(item.note() == null ? "" : "<i>" + html(item.note()) + "</i><br>")
              .append("<small>").append(html(item.eventId())).append("</small></td>");
        }
        h.append("</tr></table>");
      }
      if (omitted > 0) {
        h.append("<p class=\"omitted\"><b>").append(omitted).append(" of ").append(c.heatmaps().size())
            .append(" heatmaps were left out</b> to keep this email small; all are in the full report")
            .append(reportWhere(c, true)).append(".</p>");
      }
    }
    if (c.reportLocation() != null) {
      h.append("<p>Full report: <code>").append(html(String.valueOf(c.reportHtmlLocation()))).append("</code><br>")
          .append("Report data: <code>").append(html(c.reportLocation().toString())).append("</code></p>");
    }
    h.append("</body></html>");
    return h.toString();
  }

  private static void table(StringBuilder h, List<ViolationLine> lines) {
    h.append("<table id=\"violations\" style=\"border-collapse:collapse\" border=\"1\" cellpadding=\"4\">")
        .append("<tr><th>Metric</th><th>Violation</th><th>Value</th><th>Limit</th><th>Baseline</th><th>Severity</th></tr>");
    for (ViolationLine v : lines) {
      h.append("<tr><td>").append(html(v.metric())).append("</td><td>").append(html(v.description()))
          .append("</td><td>").append(html(Text.number(v.value()))).append("</td><td>")
          .append(html(Text.number(v.limit()))).append("</td><td>").append(html(Text.number(v.baseline())))
          .append("</td><td>").append(v.severity().key()).append("</td></tr>");
    }
    h.append("</table>");
  }

  private static String reportWhere(AlertContent c, boolean escape) {
    if (c.reportLocation() == null) {
      return "";
    }
    String where = String.valueOf(c.reportHtmlLocation());
    return " at " + (escape ? html(where) : where);
  }

  private static String text(Alert alert, int heatmaps, int omitted) {
    AlertContent c = alert.content();
    StringBuilder t = new StringBuilder(2048);
    t.append(subject(alert)).append("\n\n");
    t.append("Endpoint: ").append(c.endpoint()).append(" (").append(c.variant()).append(")\n");
    t.append("Window:   ").append(Text.when(c.windowStart())).append(" to ").append(Text.when(c.windowEnd())).append("\n\n");
    if (c.backfill()) {
      t.append(c.backfillNote()).append("\n\n");
    }
    List<ViolationLine> lines = alert.kind() == Alert.Kind.RESOLVED ? alert.cleared() : c.violations();
    t.append(alert.kind() == Alert.Kind.RESOLVED ? "Cleared violations:\n" : "Violations:\n");
    for (ViolationLine v : lines) {
      t.append("- [").append(v.severity().key()).append("] ").append(Text.oneLine(v.description()))
          .append("\n    metric ").append(v.metric()).append(": value ").append(Text.number(v.value()))
          .append(", limit ").append(Text.number(v.limit())).append(", baseline ").append(Text.number(v.baseline()))
          .append("\n");
    }
    if (alert.kind() == Alert.Kind.ALERT) {
      c.sections().forEach(section -> t.append(SectionRenderer.toText(section)));
    }
    if (alert.kind() == Alert.Kind.ALERT && heatmaps > 0) {
      t.append("\nFlagged samples (heatmaps attached):\n");
      for (int i = 0; i < heatmaps; i++) {
        HeatmapItem item = c.heatmaps().get(i);
        t.append("- ").append(item.eventId()).append(": ").append(Text.oneLine(item.predictedLabel()))
            .append(" (class ").append(item.predictedClass()).append("), ").append(Text.percent(item.confidence()))
            .append(item.note() == null ? "" : "; " + Text.oneLine(item.note()))
            .append("\n");
      }
    }
    if (omitted > 0) {
      t.append("\n").append(omitted).append(" of ").append(c.heatmaps().size())
          .append(" heatmaps were left out to keep this email small; all are in the full report")
          .append(reportWhere(c, false)).append(".\n");
    }
    if (c.reportLocation() != null) {
      t.append("\nFull report: ").append(c.reportHtmlLocation()).append("\nReport data: ").append(c.reportLocation())
          .append("\n");
    }
    return t.toString();
  }

  private static MimeBodyPart png(byte[] bytes, String cid, String fileName, String disposition)
      throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, "image/png")));
    part.setFileName(fileName);
    part.setDisposition(disposition);
    if (cid != null) {
      part.setContentID("<" + cid + ">");
    }
    return part;
  }

  private static byte[] serialize(MimeMessage msg) throws MessagingException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    msg.writeTo(out);
    return out.toByteArray();
  }

  /** A PNG at most {@link #THUMB_WIDTH} wide; the original when it is small or unreadable. */
  static byte[] thumbnail(byte[] png) {
    try {
      BufferedImage src = ImageIO.read(new ByteArrayInputStream(png));
      if (src == null || src.getWidth() <= THUMB_WIDTH) {
        return png;
      }
      int w = THUMB_WIDTH;
      int h = Math.max(1, Math.round(src.getHeight() * (w / (float) src.getWidth())));
      BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = dst.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
      } finally {
        g.dispose();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(dst, "png", out);
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      log.warn("Could not make a thumbnail ({}); using the full image inline", e.toString());
      return png;
    }
  }
}
