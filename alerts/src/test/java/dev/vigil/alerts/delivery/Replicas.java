package dev.vigil.alerts.delivery;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.MutableClock;
import dev.vigil.alerts.email.EmailChannel;
import dev.vigil.alerts.email.Recipients;
import dev.vigil.alerts.email.SmtpSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the shared-state tests of both stores need: replica dispatchers, windows, what SMTP got. */
final class Replicas {
  private Replicas() {}

  /** A dispatcher ("replica") with its own outbox under {@code dir}, e-mailing through {@code smtpPort}. */
  static AlertDispatcher replica(Path dir, String name, MutableClock clock, SharedAlertState state, int smtpPort,
      Duration lease) throws Exception {
    return AlertDispatcher.builder()
        .outbox(dir.resolve(name))
        .clock(clock)
        .pollInterval(Duration.ofMillis(20))
        .backoff(Duration.ofMinutes(5), Duration.ofMinutes(10))
        .meterRegistry(new SimpleMeterRegistry())
        .sharedState(state)
        .claimLease(lease)
        .channel(EmailChannel.create(new SmtpSettings("127.0.0.1", smtpPort, SmtpSettings.Tls.NONE, null, null,
            Duration.ofSeconds(5)), "vigil@vigil.example", Recipients.of(MailServer.USER), 10_000_000))
        .build();
  }

  /** Every message received for an endpoint (duplicates included), subjects in order. */
  static List<String> received(MailServer mail, String endpoint) throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mail.received()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h != null && h[0].equals(endpoint)) {
        out.add(m.getSubject());
      }
    }
    return out;
  }

  /** Message-ID to subject; a second copy of one Message-ID shows as "| DUPLICATE". */
  static Map<String, String> messageIds(MailServer mail, String endpoint) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (MimeMessage m : mail.received()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h != null && h[0].equals(endpoint)) {
        out.merge(m.getMessageID(), m.getSubject(), (a, b) -> a + " | DUPLICATE " + b);
      }
    }
    return out;
  }

  static AlertContent violating(String endpoint, int hour) {
    return Fixtures.content(endpoint, Fixtures.WINDOW_START.plus(Duration.ofHours(hour)),
        List.of(Fixtures.stopShare(0.9)), 0, "Stop");
  }

  static AlertContent clean(String endpoint, int hour) {
    return Fixtures.clean(endpoint, Fixtures.WINDOW_START.plus(Duration.ofHours(hour)));
  }
}
