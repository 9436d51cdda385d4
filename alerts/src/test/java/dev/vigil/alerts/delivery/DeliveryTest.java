package dev.vigil.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.MutableClock;
import dev.vigil.alerts.email.EmailChannel;
import dev.vigil.alerts.email.Recipients;
import dev.vigil.alerts.email.SmtpSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dedup, cool-down, resolved notices and outage handling against a real SMTP server. */
class DeliveryTest {
  private static MailServer mail;

  @TempDir Path outbox;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T11:05:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AlertDispatcher> open = new ArrayList<>();

  @BeforeAll
  static void startMail() throws Exception {
    mail = new MailServer();
  }

  @AfterAll
  static void stopMail() {
    mail.close();
  }

  @AfterEach
  void closeDispatchers() {
    open.forEach(AlertDispatcher::close);
  }

  private AlertDispatcher dispatcher() throws Exception {
    AlertDispatcher d = AlertDispatcher.builder()
        .outbox(outbox)
        .clock(clock)
        .pollInterval(Duration.ofMillis(20))
        .backoff(Duration.ofSeconds(30), Duration.ofMinutes(10))
        .meterRegistry(registry)
        .channel(EmailChannel.create(new SmtpSettings("127.0.0.1", mail.smtpPort(), SmtpSettings.Tls.NONE, null, null,
            Duration.ofSeconds(5)), "vigil@vigil.example", Recipients.of(MailServer.USER), 10_000_000))
        .build();
    open.add(d);
    return d;
  }

  /** Subjects of distinct messages received for an endpoint, in arrival order. */
  private static List<String> subjects(String endpoint) throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mail.received()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h != null && h[0].equals(endpoint) && ids.add(m.getMessageID())) {
        out.add(m.getSubject());
      }
    }
    return out;
  }

  private double counter(String name, String tagKey, String tagValue) {
    var c = registry.find(name).tag(tagKey, tagValue).counter();
    return c == null ? 0 : c.count();
  }

  private static AlertContent window(String endpoint, int hour, double stopShare) {
    return Fixtures.content(endpoint, Fixtures.WINDOW_START.plus(Duration.ofHours(hour)),
        List.of(Fixtures.stopShare(stopShare)), 1, "Stop");
  }

  @Test
  void suppressesRepeatsWithinCoolDownResendsWhenWorseOrExpiredAndSendsResolved() throws Exception {
    String ep = "dedup";
    AlertDispatcher d = dispatcher();
    d.offer(window(ep, 0, 0.805));
    await().until(() -> subjects(ep).size() == 1);

    clock.advance(Duration.ofHours(1));
    d.offer(window(ep, 1, 0.85)); // same violation, +0.045: not worse by the 0.1 margin
    await().until(() -> counter("alerts.suppressed", "reason", "cool_down") == 1);
    assertThat(subjects(ep)).hasSize(1);

    clock.advance(Duration.ofHours(1));
    d.offer(window(ep, 2, 0.91)); // +0.105 over what was sent: worse
    await().until(() -> subjects(ep).size() == 2);
    assertThat(subjects(ep).get(1)).contains("predicted 91% of the time");

    clock.advance(Duration.ofHours(1));
    d.offer(window(ep, 3, 0.92)); // within the new cool-down, not worse than 0.91
    await().until(() -> counter("alerts.suppressed", "reason", "cool_down") == 2);

    clock.advance(Duration.ofHours(6)); // cool-down of the 0.91 alert is over
    d.offer(window(ep, 9, 0.92));
    await().until(() -> subjects(ep).size() == 3);

    clock.advance(Duration.ofHours(1));
    d.offer(Fixtures.clean(ep, Fixtures.WINDOW_START.plus(Duration.ofHours(10))));
    await().until(() -> subjects(ep).size() == 4);
    assertThat(subjects(ep).get(3)).isEqualTo("[Vigil] dedup: resolved, 1 violation cleared");

    clock.advance(Duration.ofHours(1));
    d.offer(Fixtures.clean(ep, Fixtures.WINDOW_START.plus(Duration.ofHours(11)))); // still clean: nothing
    clock.advance(Duration.ofHours(1));
    d.offer(window(ep, 12, 0.81)); // back again after clearing: news, despite the cool-down
    await().until(() -> subjects(ep).size() == 5);
    assertThat(subjects(ep).subList(4, 5)).allMatch(s -> s.contains("80%") || s.contains("81%"));
    await().until(() -> counter("alerts.sent", "channel", "email") == 5); // counted after the server replied
  }

  @Test
  void dedupStateSurvivesARestart() throws Exception {
    String ep = "dedup-restart";
    AlertDispatcher first = dispatcher();
    first.offer(window(ep, 0, 0.805));
    await().until(() -> subjects(ep).size() == 1);
    first.close();

    clock.advance(Duration.ofHours(1));
    AlertDispatcher second = dispatcher();
    second.offer(window(ep, 1, 0.81));
    await().until(() -> counter("alerts.suppressed", "reason", "cool_down") == 1);
    assertThat(subjects(ep)).hasSize(1);
  }

  @Test
  void holdsAlertInOutboxWhileSmtpIsDownAndSendsExactlyOnceAfterProcessRestart() throws Exception {
    String ep = "outage";
    mail.stop();
    try {
      AlertDispatcher first = dispatcher();
      AlertContent content = window(ep, 0, 0.805);
      first.offer(content);
      await().until(() -> counter("alerts.send.failures", "reason", "transient") >= 1);
      assertThat(first.pendingCount()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(30)); // second attempt, still down
      await().until(() -> counter("alerts.send.failures", "reason", "transient") >= 2);
      assertThat(pendingFiles()).hasSize(2); // ID.payload + ID.state
      first.offer(content); // the same window offered again while down: no second message
      first.close(); // "process exit"
      assertThat(first.offer(content)).isEqualTo(AlertDispatcher.Offer.CLOSED);
      assertThat(pendingFiles()).hasSize(2);
    } finally {
      mail.start();
    }
    AlertDispatcher second = dispatcher(); // "process restart" over the same outbox
    assertThat(second.pendingCount()).isEqualTo(1);
    assertThat(subjects(ep)).isEmpty(); // backoff (60 s after the 2nd failure) not over yet
    clock.advance(Duration.ofMinutes(2));
    await().until(() -> subjects(ep).size() == 1);
    await().until(() -> second.pendingCount() == 0);
    second.offer(window(ep, 0, 0.805)); // re-run of the same window after delivery
    clock.advance(Duration.ofHours(1));
    Thread.sleep(300); // several poll passes: nothing else may go out
    assertThat(subjects(ep)).hasSize(1);
    assertThat(java.util.Arrays.stream(mail.received())
        .filter(m -> subjectOf(m).contains("predicted"))
        .filter(m -> endpointOf(m).equals(ep))).hasSize(1); // the server has exactly one copy
    assertThat(pendingFiles()).isEmpty();
    try (Stream<Path> sent = Files.list(outbox.resolve("sent"))) {
      assertThat(sent.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".email.state");
    }
  }

  private static String subjectOf(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String endpointOf(MimeMessage m) {
    try {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      return h == null ? "" : h[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Path> pendingFiles() throws Exception {
    try (Stream<Path> s = Files.list(outbox.resolve("pending"))) {
      return s.toList();
    }
  }

  @Test
  void backoffDoublesUpToTheCap() throws Exception {
    AlertDispatcher d = dispatcher();
    assertThat(d.backoff(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.backoff(2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.backoff(4)).isEqualTo(Duration.ofSeconds(240));
    assertThat(d.backoff(5)).isEqualTo(Duration.ofMinutes(8));
    assertThat(d.backoff(6)).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.backoff(100)).isEqualTo(Duration.ofMinutes(10));
  }
}
