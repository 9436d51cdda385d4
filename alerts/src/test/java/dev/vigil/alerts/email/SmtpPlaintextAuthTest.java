package dev.vigil.alerts.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Alerts;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.Channel;
import dev.vigil.alerts.delivery.SendResult;
import dev.vigil.config.AlertsConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A login over plain SMTP ({@code tls: none}) is refused at start unless {@code
 * allowPlaintextAuth: true}; allowed, it really logs in and delivers. The server is a real
 * GreenMail on loopback that requires AUTH.
 */
class SmtpPlaintextAuthTest {
  private static GreenMail server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.start();
    server.setUser("ops@example.com", "vigil", "s3cret");
    server.getUserManager().setAuthRequired(true);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static String yaml(String extraSmtp) {
    return """
        endpoints: [{name: plain, upstream: "http://127.0.0.1:8080"}]
        alerts:
          smtp: {host: 127.0.0.1, port: %d, tls: none, user: vigil, password: "${SMTP_PASSWORD}"%s}
          from: vigil@vigil.example
          recipients: [ops@example.com]
        """.formatted(port, extraSmtp);
  }

  @Test
  void loginOverPlainSmtpIsAOneLineConfigError() {
    ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parse(yaml(""), Map.of("SMTP_PASSWORD", "s3cret")));
    assertThat(e).isNotNull();
    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
        .startsWith("alerts.smtp.tls: is none while alerts.smtp.user is set")
        .contains("starttls").contains("allowPlaintextAuth: true")
        .doesNotContain("s3cret").doesNotContain("\n"));
    // the alerts library refuses the same settings when built without the config loader
    assertThatThrownBy(() -> new SmtpSettings("127.0.0.1", port, SmtpSettings.Tls.NONE, "vigil", "s3cret", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowPlaintextAuth");
  }

  @Test
  void explicitlyAllowedPlaintextLoginDelivers() throws Exception {
    AlertsConfig config = ConfigLoader.parse(yaml(", allowPlaintextAuth: true"), Map.of("SMTP_PASSWORD", "s3cret")).alerts();
    assertThat(config.smtp().allowPlaintextAuth()).isTrue();
    Channel email = Alerts.emailChannel(config);
    AlertContent content = Fixtures.content("plain", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 1, "Stop");
    byte[] payload = email.render(new Alert("0123456789abcdef01234567", Alert.Kind.ALERT, content, List.of(),
        Instant.parse("2026-11-22T11:05:00Z"))).orElseThrow();
    int before = server.getReceivedMessages().length;
    SendResult result = email.send(payload);
    assertThat(result.status()).as(result.detail()).isEqualTo(SendResult.Status.ACCEPTED);
    assertThat(server.getReceivedMessages()).hasSize(before + 1);

    // the server really required the login: a wrong password is not delivered
    AlertsConfig wrong = ConfigLoader.parse(yaml(", allowPlaintextAuth: true"), Map.of("SMTP_PASSWORD", "wrong")).alerts();
    SendResult refused = Alerts.emailChannel(wrong).send(payload);
    assertThat(refused.status()).as(refused.detail()).isNotEqualTo(SendResult.Status.ACCEPTED);
    assertThat(server.getReceivedMessages()).hasSize(before + 1);
  }
}
