package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.email.SmtpSettings;
import dev.vigil.config.AlertsConfig;
import dev.vigil.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module wired from a parsed {@code alerts:} section, sending through the embedded SMTP server. */
class AlertsWiringTest {
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

  private AlertsConfig alerts(String extra) {
    String yaml = """
        endpoints:
          - name: wired
            upstream: http://127.0.0.1:8080
        alerts:
          smtp: {host: 127.0.0.1, port: %d, tls: none, user: "${SMTP_USER:-}", password: "${SMTP_PASSWORD:-}"}
          from: vigil@vigil.example
          outbox: %s
        %s
        """.formatted(mail.smtpPort(), dir.resolve("outbox"), extra);
    return ConfigLoader.parse(yaml, Map.of()).alerts();
  }

  @Test
  void dispatcherFromConfigSendsToEndpointAndSeverityRecipients() throws Exception {
    AlertsConfig config = alerts("""
          recipients: []
          endpointRecipients: {wired: [ops@example.com]}
          severityRecipients: {critical: [oncall@example.com]}
          coolDown: 2h
        """);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AlertDispatcher d = Alerts.dispatcher(config, registry, null)) {
      assertThat(d.channels()).extracting(c -> c.name()).containsExactly("email", "webhook");
      assertThat(d.channels().get(1).toString()).isEqualTo("Channel.disabled(webhook)");
      d.offer(Fixtures.content("wired", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 1, "Stop"));
      await().until(() -> copies("wired") == 2); // one per recipient mailbox
    }
    MimeMessage m = Arrays.stream(mail.received()).filter(x -> header(x).equals("wired")).findFirst().orElseThrow();
    assertThat(m.getHeader("To")[0]).contains("ops@example.com").contains("oncall@example.com");
    assertThat(registry.get("alerts.sent").tag("channel", "email").counter().count()).isEqualTo(1);
  }

  @Test
  void noRecipientsMeansEmailIsTheDisabledChannel() throws Exception {
    assertThat(Alerts.emailChannel(alerts("")).render(null)).isEmpty();
  }

  @Test
  void invalidRecipientIsAClearError() {
    assertThatThrownBy(() -> dev.vigil.alerts.email.EmailChannel.create(SmtpSettings.plain("127.0.0.1", 25),
        "vigil@vigil.example", dev.vigil.alerts.email.Recipients.of("not an address"), 1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an address")
        .hasMessageContaining("not a valid email address");
  }

  @Test
  void smtpSettingsFollowTheConfigAndMaskThePassword() {
    AlertsConfig config = ConfigLoader.parse("""
        endpoints:
          - name: a
            upstream: http://127.0.0.1:8080
        alerts:
          smtp: {host: mail.example.com, port: 587, tls: starttls, user: vigil, password: "${PW}"}
        """, Map.of("PW", "hunter2")).alerts();
    SmtpSettings s = Alerts.smtp(config.smtp());
    assertThat(s.tls()).isEqualTo(SmtpSettings.Tls.STARTTLS);
    assertThat(s.user()).isEqualTo("vigil");
    assertThat(s.password()).isEqualTo("hunter2");
    assertThat(s.toString()).doesNotContain("hunter2");
  }

  private static long copies(String endpoint) {
    return Arrays.stream(mail.received()).filter(m -> header(m).equals(endpoint)).count();
  }

  private static String header(MimeMessage m) {
    try {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      return h == null ? "" : h[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
