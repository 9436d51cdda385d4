package dev.vigil.alerts.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.AlertSection;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.report.HtmlReport;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A further section (model quality) in the e-mail's HTML and text parts and in report.html. */
class AlertSectionTest {
  private static final byte[] PNG = Fixtures.chart(40, 30);

  private static AlertContent content() {
    AlertContent base = Fixtures.content("quality", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.8)), 0, "Stop");
    AlertSection section = new AlertSection("model-quality", "Model quality (ground truth)",
        List.of("125 of 250 predictions had labels", "Accuracy: realised 41.6%, estimated before labels 62.0% <b>"),
        List.of("class", "precision"), List.of(List.of("Stop", "16.7%")), PNG, "Confusion matrix");
    return new AlertContent(base.endpoint(), base.variant(), base.windowStart(), base.windowEnd(), base.violations(),
        null, null, List.of(), null, null, false, List.of(section));
  }

  @Test
  void theEmailShowsTheSectionWithItsChartInline() throws Exception {
    EmailChannel channel = EmailChannel.create(SmtpSettings.plain("127.0.0.1", 25), "vigil@vigil.example",
        Recipients.of("oncall@example.com"), 10_000_000);
    byte[] eml = channel.render(new Alert("0123456789abcdef01234567", Alert.Kind.ALERT, content(), List.of(),
        Instant.parse("2026-11-22T11:05:00Z"))).orElseThrow();
    MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(eml));
    String html = AlertEmailTest.html(msg);
    assertThat(html).contains("<section id=\"model-quality\">").contains("Model quality (ground truth)")
        .contains("estimated before labels 62.0% &lt;b&gt;").contains("<td>16.7%</td>")
        .contains("src=\"cid:section-model-quality@vigil\"");
    MimeMultipart alternative = (MimeMultipart) ((MimeMultipart) msg.getContent()).getBodyPart(0).getContent();
    MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
    BodyPart chart = related.getBodyPart("<section-model-quality@vigil>");
    assertThat(chart).isNotNull();
    assertThat(chart.getContentType()).startsWith("image/png");
    assertThat(alternative.getBodyPart(0).getContent().toString()).contains("Model quality (ground truth):")
        .contains("class | precision").contains("Stop | 16.7%");
  }

  @Test
  void reportHtmlEmbedsTheSection() {
    String page = HtmlReport.render(content());
    assertThat(page).contains("<section id=\"model-quality\">").contains("src=\"data:image/png;base64,");
  }

  @Test
  void rowsMustMatchTheHeader() {
    assertThatThrownBy(() -> new AlertSection("x", "X", List.of(), List.of("a", "b"), List.of(List.of("1")), null, null))
        .hasMessageContaining("a row has 1 cells for 2 columns");
  }

}
