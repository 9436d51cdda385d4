package dev.vigil.demo.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.stack.EmbeddedStack;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's story with smaller counts, on the real servers of one embedded stack and the
 * committed model: the clean window is quiet, the attack window shows Stop over-predicted, and
 * the alert with the heatmaps and the clean-vs-adversarial pairs is read back over IMAP.
 */
class DemoScenarioTest {
  private static final int STOP = SignClass.STOP.index();
  private static EmbeddedStack stack;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.builder().build().start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void cleanWindowIsQuietAndAdversarialStopsRaiseAnAlertWithHeatmaps(@TempDir Path out) throws Exception {
    DemoSettings settings = new DemoSettings(out, null, 150, 100, 60, 15, 50, 30, 7, 0, 0,
        StopSignAttack.Settings.DEFAULTS);

    DemoResult r = new DemoScenario(settings, DemoListener.SILENT, Clock.systemUTC()).run(stack);

    assertThat(r.cleanReport().violations()).as("clean window judged against the baseline").isEmpty();
    assertThat(r.cleanReport().statistics().records()).isGreaterThanOrEqualTo(30);
    Violation share = r.attackReport().violations().stream()
        .filter(v -> v.type() == ViolationType.CLASS_SHARE_EXCEEDED).findFirst().orElseThrow();
    assertThat(share.classIndex()).isEqualTo(STOP);
    assertThat(share.featureName()).isEqualTo("Stop");
    assertThat(share.value()).isGreaterThan(share.limit());
    assertThat(DemoResult.codes(r.attackReport())).contains("low_confidence");
    assertThat(r.succeeded(STOP)).isTrue();
    // Before its labels: an estimate only. After: the report replaced, accuracy and Stop's precision collapsed.
    var before = r.attackBeforeLabels().statistics().groundTruth();
    assertThat(before.accuracy()).isNull();
    assertThat(before.estimatedAccuracy()).isNotNull();
    var after = r.attackReport().statistics().groundTruth();
    assertThat(after.estimatedAccuracy()).isEqualTo(before.estimatedAccuracy());
    assertThat(after.labelled()).isEqualTo(r.attackReport().statistics().count());
    double baselineAccuracy = r.attackReport().baseline().groundTruth().accuracy();
    assertThat(baselineAccuracy).isGreaterThan(0.9);
    assertThat(after.accuracy()).isLessThan(baselineAccuracy - 0.3);
    assertThat(after.classOf("Stop").precision()).isLessThan(0.5);
    assertThat(after.problems().get("unmatched_id")).as("labels of unsampled requests").isPositive();
    assertThat(r.cleanReport().statistics().groundTruth().accuracy()).isGreaterThan(0.8);
    // What the model server answered through the agent, from the PNGs on the wire.
    assertThat(r.servedAsStop()).isEqualTo((int) r.attack().successes());
    assertThat(r.attack().maxLinf()).isLessThanOrEqualTo(8);

    List<String> attachments = new ArrayList<>();
    Message mail = lastOfTwoMessagesOverImap("ml-oncall@example.com"); // before and after the labels
    assertThat(mail.getSubject()).startsWith("[Vigil] traffic-signs");
    pngAttachments(mail, attachments);
    assertThat(attachments).filteredOn(n -> !n.contains("clean-vs-adversarial")).hasSizeGreaterThanOrEqualTo(3);
    // Pairs are drawn for each of the two alerts; the second e-mail carries its own.
    assertThat(attachments).filteredOn(n -> n.contains("clean-vs-adversarial")).isNotEmpty()
        .hasSizeLessThanOrEqualTo(r.pairs().size());

    assertThat(r.eml()).isRegularFile();
    assertThat(r.reportHtml()).isRegularFile();
    assertThat(Files.readString(r.reportHtml())).contains("class_share_exceeded").contains("accuracy_drop")
        .contains("Model quality (ground truth)");
    assertThat(r.heatmaps()).isNotEmpty().allSatisfy(p -> assertThat(p).isRegularFile());
    for (MonitorReport rep : List.of(r.cleanReport(), r.attackReport())) {
      rep.checks().stream().filter(c -> c.type() == ViolationType.INPUT_DRIFT || c.type() == ViolationType.ADVERSARIAL_INPUTS)
          .forEach(c -> System.out.println("DEMO signals: " + c.type().code() + " " + c.status() + " " + c.description()));
    }
    assertThat(r.charts()).hasSize(4); // with the input embeddings' PCA picture

    // Model-side signals: the clean window passed input_drift (its violations are empty, above); the
    // flagged Stop samples were screened and most PGD images read as adversarial.
    assertThat(r.cleanReport().signals()).isNotNull();
    assertThat(r.cleanReport().checks()).anyMatch(c -> c.type() == ViolationType.INPUT_DRIFT
        && c.status() == dev.vigil.monitor.check.CheckStatus.PASSED);
    assertThat(r.attackReport().signals().screened()).isPositive();
    assertThat(r.attackReport().flaggedSamples()).filteredOn(f -> f.violation() == ViolationType.CLASS_SHARE_EXCEEDED)
        .isNotEmpty().allSatisfy(f -> assertThat(f.screening()).isNotNull());
    assertThat(DemoResult.codes(r.attackReport())).contains("adversarial_inputs");
    assertThat(Files.readString(r.reportHtml())).contains("id=\"input-signals\"", "feature squeezing");
    assertThat(Files.readString(r.eml())).contains("Model-side signals");
    for (Path pair : r.pairs()) {
      BufferedImage image = ImageIO.read(pair.toFile());
      assertThat(image.getWidth()).isGreaterThan(2 * image.getHeight());
    }
  }

  private static Message lastOfTwoMessagesOverImap(String user) throws Exception {
    Properties p = new Properties();
    p.put("mail.imap.connectiontimeout", "5000");
    p.put("mail.imap.timeout", "5000");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect(stack.smtpHost(), stack.imapPort(), user, "any-password");
    Folder inbox = store.getFolder("INBOX");
    inbox.open(Folder.READ_ONLY);
    Message[] messages = inbox.getMessages();
    assertThat(messages).hasSize(2);
    // Read it whole while the folder is open; the caller only inspects the copy.
    jakarta.mail.internet.MimeMessage copy = new jakarta.mail.internet.MimeMessage(
        (jakarta.mail.internet.MimeMessage) messages[1]);
    inbox.close(false);
    store.close();
    return copy;
  }

  private static void pngAttachments(Part part, List<String> names) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart mp = (Multipart) part.getContent();
      for (int i = 0; i < mp.getCount(); i++) {
        pngAttachments(mp.getBodyPart(i), names);
      }
    } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) && part.isMimeType("image/png")) {
      try (InputStream in = part.getInputStream()) {
        assertThat(ImageIO.read(new ByteArrayInputStream(in.readAllBytes()))).isNotNull();
      }
      names.add(part.getFileName());
    }
  }
}
