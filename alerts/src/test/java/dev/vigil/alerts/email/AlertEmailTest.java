package dev.vigil.alerts.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.AlertSection;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.MutableClock;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.classes.ClassScore;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert emails sent through a real SMTP server and read back over IMAP. */
class AlertEmailTest {
  private static MailServer mail;

  @TempDir Path outbox;

  @BeforeAll
  static void startMail() throws Exception {
    mail = new MailServer();
  }

  @AfterAll
  static void stopMail() {
    mail.close();
  }

  private AlertDispatcher dispatcher(long maxBytes) throws Exception {
    return AlertDispatcher.builder()
        .outbox(outbox)
        .clock(new MutableClock(Instant.parse("2026-11-22T11:05:00Z")))
        .pollInterval(Duration.ofMillis(20))
        .channel(EmailChannel.create(SmtpSettings.plain("127.0.0.1", mail.smtpPort()), "vigil@vigil.example",
            new Recipients(List.of(MailServer.USER), Map.of(), Map.of("critical", List.of("oncall@example.com"))),
            maxBytes))
        .build();
  }

  /** Sends one content and returns the message as read back over IMAP. */
  private MimeMessage sendAndRead(AlertContent content, long maxBytes) throws Exception {
    try (AlertDispatcher d = dispatcher(maxBytes)) {
      assertThat(d.offer(content)).isEqualTo(AlertDispatcher.Offer.QUEUED);
      await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(content.endpoint()) == 1);
      List<MimeMessage> read = byEndpoint(content.endpoint()); // over IMAP
      assertThat(read).hasSize(1);
      return read.get(0);
    }
  }

  /** Distinct messages the server received for the endpoint (it stores one copy per recipient). */
  private static long receivedFor(String endpoint) throws Exception {
    Set<String> ids = new HashSet<>();
    for (MimeMessage m : mail.received()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h != null && h[0].equals(endpoint)) {
        ids.add(m.getMessageID());
      }
    }
    return ids.size();
  }

  private static List<MimeMessage> byEndpoint(String endpoint) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mail.imapInbox()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h != null && h[0].equals(endpoint)) {
        out.add(m);
      }
    }
    return out;
  }

  @Test
  void emailIsMixedAlternativeRelatedAndEveryContentIdResolves() throws Exception {
    AlertContent content = Fixtures.content("traffic-signs", Fixtures.WINDOW_START,
        List.of(Fixtures.stopShare(0.805), Fixtures.drift(0.25)), 4, "Stop");
    MimeMessage msg = sendAndRead(content, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);

    assertThat(msg.getContentType()).startsWith("multipart/mixed");
    MimeMultipart mixed = (MimeMultipart) msg.getContent();
    BodyPart first = mixed.getBodyPart(0);
    assertThat(first.getContentType()).startsWith("multipart/alternative");
    MimeMultipart alternative = (MimeMultipart) first.getContent();
    assertThat(alternative.getCount()).isEqualTo(2);
    assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
    MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
    assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
    String html = (String) related.getBodyPart(0).getContent();

    Map<String, byte[]> inline = new java.util.HashMap<>();
    for (int i = 1; i < related.getCount(); i++) {
      BodyPart p = related.getBodyPart(i);
      assertThat(p.getContentType()).startsWith("image/png");
      String cid = ((jakarta.mail.internet.MimeBodyPart) p).getContentID();
      inline.put(cid.substring(1, cid.length() - 1), bytes(p));
    }
    Set<String> referenced = new HashSet<>();
    Matcher m = Pattern.compile("src=\"cid:([^\"]+)\"").matcher(html);
    while (m.find()) {
      referenced.add(m.group(1));
    }
    // 2 charts + 4 thumbnails, each referenced and each present
    assertThat(referenced).hasSize(6);
    assertThat(inline.keySet()).isEqualTo(referenced);
    for (byte[] png : inline.values()) {
      assertThat(decode(png)).isNotNull();
    }
    assertThat(inline.get(EmailComposer.CID_CLASSES)).isEqualTo(content.classDistributionChartPng());
    assertThat(inline.get(EmailComposer.CID_CONFIDENCE)).isEqualTo(content.confidenceHistogramPng());
    assertThat(decode(inline.get(EmailComposer.heatmapCid(0))).getWidth()).isEqualTo(EmailComposer.THUMB_WIDTH);
    assertThat(html).contains("Stop</b> (class 14)<br>90.0% confidence");
  }

  @Test
  void attachmentsDecodeToTheRenderedPngsAndReportJson() throws Exception {
    AlertContent content = Fixtures.content("attach-check", Fixtures.WINDOW_START,
        List.of(Fixtures.stopShare(0.805)), 3, "Stop");
    MimeMessage msg = sendAndRead(content, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);
    MimeMultipart mixed = (MimeMultipart) msg.getContent();
    assertThat(mixed.getCount()).isEqualTo(1 + 3 + 1);
    for (int i = 0; i < 3; i++) {
      BodyPart p = mixed.getBodyPart(1 + i);
      HeatmapItem item = content.heatmaps().get(i);
      assertThat(p.getDisposition()).isEqualTo(Part.ATTACHMENT);
      assertThat(p.getContentType()).startsWith("image/png");
      assertThat(p.getFileName()).isEqualTo("heatmap-" + (i + 1) + "-" + item.eventId() + ".png");
      byte[] png = bytes(p);
      assertThat(png).isEqualTo(item.overlayPng());
      BufferedImage img = decode(png);
      assertThat(img.getWidth()).isEqualTo(224);
    }
    BodyPart json = mixed.getBodyPart(4);
    assertThat(json.getFileName()).isEqualTo("report.json");
    assertThat(bytes(json)).isEqualTo(content.reportJson());
  }

  @Test
  void subjectAndViolationsTableMatchTheReport() throws Exception {
    AlertContent content = Fixtures.content("traffic-signs-b", Fixtures.WINDOW_START,
        List.of(Fixtures.drift(0.25), Fixtures.stopShare(0.805)), 1, "Stop");
    MimeMessage msg = sendAndRead(content, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);

    assertThat(msg.getSubject())
        .isEqualTo("[Vigil] traffic-signs-b: class 14 (Stop) predicted 80.5% of the time (limit 50%) (+1 more)");
    assertThat(msg.getMessageID()).matches("<[0-9a-f]{24}\\.alert@vigil\\.example>");
    assertThat(msg.getHeader("To")[0]).contains(MailServer.USER).contains("oncall@example.com");
    String html = html(msg);
    assertThat(html).contains("<tr><td>class_share</td><td>class 14 (Stop) predicted 80.5% of the time (limit 50%)"
        + "</td><td>0.805</td><td>0.5</td><td>0.04</td><td>critical</td></tr>");
    assertThat(html).contains("<tr><td>drift</td><td>class distribution drifted: L-inf distance 0.25 (limit 0.1)"
        + "</td><td>0.25</td><td>0.1</td><td>-</td><td>warning</td></tr>");
    assertThat(html).contains("2026-11-22 10:00Z to 2026-11-22 11:00Z");
    assertThat(html).contains("s3://vigil/reports/traffic-signs-b/v1/2026/11/22/10/report.html");
    String text = text(msg);
    assertThat(text).contains("metric class_share: value 0.805, limit 0.5, baseline 0.04");
    assertThat(text).contains("Full report: s3://vigil/reports/traffic-signs-b/v1/2026/11/22/10/report.html");
  }

  @Test
  void aBackfilledWindowSaysSoInTheEmailAndInReportHtml() throws Exception {
    AlertContent c = Fixtures.content("backfilled", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 0, "Stop");
    AlertContent late = new AlertContent(c.endpoint(), c.variant(), c.windowStart(), c.windowEnd(), c.violations(),
        c.classDistributionChartPng(), c.confidenceHistogramPng(), c.heatmaps(), c.reportJson(), c.reportLocation(), true,
        List.of());
    MimeMessage msg = sendAndRead(late, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);
    assertThat(html(msg)).contains("<p id=\"backfill\"><b>Backfill: this window was missed while no monitor ran");
    assertThat(text(msg)).contains("Backfill: this window was missed while no monitor ran and was checked late.");
    assertThat(dev.vigil.alerts.report.HtmlReport.render(late)).contains("id=\"backfill\"");
    assertThat(dev.vigil.alerts.report.HtmlReport.render(c)).doesNotContain("id=\"backfill\"");
  }

  @Test
  void hostileLabelsShowAsTextNotMarkup() throws Exception {
    String hostile = "<img src=x onerror=alert(1)>";
    ViolationLine v = new ViolationLine("class_share", "14", "class 14 (" + hostile + ") predicted 80.5% of the time",
        0.805, 0.5, null, Severity.CRITICAL);
    AlertContent base = Fixtures.content("hostile", Fixtures.WINDOW_START, List.of(v), 1, hostile);
    HeatmapItem item = base.heatmaps().get(0);
    HeatmapItem evil = new HeatmapItem("evt-\"><script>x()</script>", 14, hostile, 0.9,
        List.of(new ClassScore(14, hostile, 0.9)), item.overlayPng(), item.inputPng());
    AlertContent content = new AlertContent(base.endpoint(), base.variant(), base.windowStart(), base.windowEnd(),
        base.violations(), base.classDistributionChartPng(), base.confidenceHistogramPng(), List.of(evil),
        base.reportJson(), base.reportLocation());
    MimeMessage msg = sendAndRead(content, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);
    String html = html(msg);
    assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(html).doesNotContain("<img src=x").doesNotContain("<script>");
    assertThat(html).contains("evt-&quot;&gt;&lt;script&gt;x()&lt;/script&gt;");
    // the subject is plain text: the label stays as written, on one line
    assertThat(msg.getSubject()).isEqualTo("[Vigil] hostile: class 14 (" + hostile + ") predicted 80.5% of the time");
  }

  @Test
  void signalsSectionAndScreeningNotesAreInHtmlTextAndInlineImage() throws Exception {
    AlertContent base = Fixtures.content("signals", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.9)), 1, "Stop");
    HeatmapItem item = base.heatmaps().get(0);
    HeatmapItem noted = new HeatmapItem(item.eventId(), item.predictedClass(), item.predictedLabel(), item.confidence(),
        item.top5(), item.overlayPng(), item.inputPng(), "feature squeezing 0.9000 > 0.2000: likely adversarial");
    AlertSection section = new AlertSection("input-signals", "Model-side signals <x>",
        List.of("Input drift: MMD^2 = 0.01, permutation p = 0.002"), List.of(), List.of(), Fixtures.chart(320, 200),
        "embeddings");
    AlertContent content = new AlertContent(base.endpoint(), base.variant(), base.windowStart(), base.windowEnd(),
        base.violations(), base.classDistributionChartPng(), base.confidenceHistogramPng(), List.of(noted),
        base.reportJson(), base.reportLocation(), false, List.of(section));
    MimeMessage msg = sendAndRead(content, EmailChannel.DEFAULT_MAX_EMAIL_BYTES);
    assertThat(html(msg)).contains("Model-side signals &lt;x&gt;", "permutation p = 0.002",
        "cid:section-input-signals@vigil", "likely adversarial");
    assertThat(text(msg)).contains("Input drift: MMD^2 = 0.01", "likely adversarial");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    msg.writeTo(raw);
    assertThat(raw.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("<section-input-signals@vigil>");
    String page = dev.vigil.alerts.report.HtmlReport.render(content);
    assertThat(page).contains("id=\"input-signals\"", "permutation p = 0.002", "likely adversarial");
  }

  @Test
  void sizeCapLeavesOutHeatmapsAndSaysHowManyAndWhere() throws Exception {
    AlertContent base = Fixtures.content("big", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.9)), 0, "Stop");
    List<HeatmapItem> items = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      items.add(new HeatmapItem("evt-big-" + i, 14, "Stop", 0.9, List.of(), Fixtures.noise(300, i), null));
    }
    AlertContent content = new AlertContent(base.endpoint(), base.variant(), base.windowStart(), base.windowEnd(),
        base.violations(), base.classDistributionChartPng(), base.confidenceHistogramPng(), items, base.reportJson(),
        base.reportLocation());
    long cap = 1_000_000;
    MimeMessage msg = sendAndRead(content, cap);

    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    msg.writeTo(raw);
    assertThat(raw.size()).isLessThanOrEqualTo((int) cap);
    MimeMultipart mixed = (MimeMultipart) msg.getContent();
    int attached = 0;
    for (int i = 1; i < mixed.getCount(); i++) {
      if (mixed.getBodyPart(i).getFileName().startsWith("heatmap-")) {
        attached++;
      }
    }
    assertThat(attached).isBetween(1, 7);
    int omitted = 8 - attached;
    String html = html(msg);
    assertThat(html).contains(omitted + " of 8 heatmaps were left out")
        .contains("s3://vigil/reports/big/v1/2026/11/22/10/report.html");
    assertThat(text(msg)).contains(omitted + " of 8 heatmaps were left out");
    assertThat(Pattern.compile("cid:heatmap-").matcher(html).results().count()).isEqualTo(attached);
  }

  @Test
  void requiredStartTlsNeverFallsBackToPlainText() throws Exception {
    // The embedded server offers no certificate this client trusts: the send must fail and be
    // retried later, never go out in the clear.
    EmailChannel channel = EmailChannel.create(new SmtpSettings("127.0.0.1", mail.smtpPort(), SmtpSettings.Tls.STARTTLS,
        null, null, Duration.ofSeconds(5)), "vigil@vigil.example", Recipients.of(MailServer.USER), 10_000_000);
    AlertContent content = Fixtures.content("tls-required", Fixtures.WINDOW_START,
        List.of(Fixtures.stopShare(0.805)), 0, "Stop");
    byte[] eml = channel.render(new dev.vigil.alerts.delivery.Alert("0123456789abcdef01234567",
        dev.vigil.alerts.delivery.Alert.Kind.ALERT, content, List.of(), Instant.parse("2026-11-22T11:05:00Z"))).orElseThrow();
    dev.vigil.alerts.delivery.SendResult result = channel.send(eml);
    assertThat(result.status()).as(result.detail()).isEqualTo(dev.vigil.alerts.delivery.SendResult.Status.RETRY);
    assertThat(result.detail()).containsIgnoringCase("tls");
    assertThat(receivedFor("tls-required")).isZero();
  }

  // ------------------------------------------------------------------ helpers

  static String html(MimeMessage msg) throws Exception {
    MimeMultipart alternative = (MimeMultipart) ((MimeMultipart) msg.getContent()).getBodyPart(0).getContent();
    MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
    return (String) related.getBodyPart(0).getContent();
  }

  static String text(MimeMessage msg) throws Exception {
    MimeMultipart alternative = (MimeMultipart) ((MimeMultipart) msg.getContent()).getBodyPart(0).getContent();
    return (String) alternative.getBodyPart(0).getContent();
  }

  private static byte[] bytes(Part p) throws Exception {
    try (InputStream in = p.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private static BufferedImage decode(byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img).as("decodes as an image").isNotNull();
    return img;
  }
}
