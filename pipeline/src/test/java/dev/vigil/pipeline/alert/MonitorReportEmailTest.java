package dev.vigil.pipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.email.EmailChannel;
import dev.vigil.alerts.email.Recipients;
import dev.vigil.alerts.email.SmtpSettings;
import dev.vigil.classes.ClassScore;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance story's last step: a monitor report plus saliency replay becomes one email. */
class MonitorReportEmailTest {
  private static MailServer mail;

  @TempDir Path dir;

  @BeforeAll
  static void startMail() throws Exception {
    mail = new MailServer();
  }

  @AfterAll
  static void stopMail() {
    mail.close();
  }

  @Test
  void monitorReportWithReplayedHeatmapsArrivesAsOneEmail() throws Exception {
    MonitorReport report = ReportAdapterTest.stopHeavyReport();
    try (AlertDispatcher d = AlertDispatcher.builder()
        .outbox(dir.resolve("outbox"))
        .pollInterval(Duration.ofMillis(20))
        .channel(EmailChannel.create(SmtpSettings.plain("127.0.0.1", mail.smtpPort()), "vigil@vigil.example",
            Recipients.of(MailServer.USER), EmailChannel.DEFAULT_MAX_EMAIL_BYTES))
        .build()) {
      // What the saliency replay would hand over for the report's first three flagged samples.
      AlertingReportListener listener = new AlertingReportListener(d, "vigil", "capture", r -> {
        List<ReplayedSample> replayed = new ArrayList<>();
        int i = 0;
        for (FlaggedSample s : r.flaggedSamples().subList(0, 3)) {
          replayed.add(new ReplayedSample(s.eventId(), s.location().uri(), true, null, s.predictedClass(),
              s.predictedLabel(), s.confidence(), s.predictedClass(), List.of(new ClassScore(s.predictedClass(),
              s.predictedLabel(), s.confidence())), null, null, Fixtures.overlay(224, i), null, Fixtures.input(224, i)));
          i++;
        }
        return SaliencyAdapter.heatmaps(new ReplayReport(replayed, null, new byte[0], List.of()));
      });
      listener.onReport(report);
      await().until(() -> mail.received().length >= 1);
    }
    List<MimeMessage> inbox = mail.imapInbox();
    assertThat(inbox).hasSize(1);
    MimeMessage m = inbox.get(0);
    String worst = report.violations().get(0).description();
    assertThat(m.getSubject()).startsWith("[Vigil] traffic-signs: " + worst);
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getCount()).isEqualTo(1 + 3 + 1); // body, 3 heatmaps, report.json
    assertThat(mixed.getBodyPart(4).getFileName()).isEqualTo("report.json");
    String text = (String) ((MimeMultipart) mixed.getBodyPart(0).getContent()).getBodyPart(0).getContent();
    assertThat(text).contains("s3://vigil/capture/reports/traffic-signs/2026/11/22/10/").contains("report.html");
    assertThat(text).contains(report.flaggedSamples().get(0).eventId());
  }
}
