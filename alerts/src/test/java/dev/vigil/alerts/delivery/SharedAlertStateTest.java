package dev.vigil.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.MutableClock;
import dev.vigil.stack.EmbeddedStack;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dispatchers ("replicas"), each with its own outbox, sharing alert state in a real
 * PostgreSQL, sending through a real SMTP server: one alert and one resolved notice per incident,
 * whichever replica judges each window, and a claim left by a dead replica delivered by the other.
 */
class SharedAlertStateTest {
  private static EmbeddedStack stack;
  private static MailServer mail;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T11:05:00Z"));
  private final List<AlertDispatcher> open = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().kafka(false).s3(false).smtp(false).postgres(true).build().start();
    mail = new MailServer();
  }

  @AfterAll
  static void stop() {
    if (mail != null) {
      mail.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @BeforeEach
  void emptyTables() throws Exception {
    try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), stack.postgresUser(), stack.postgresPassword());
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS vigil_alert_claims, vigil_alert_ledger");
    }
  }

  @AfterEach
  void close() {
    open.forEach(AlertDispatcher::close);
  }

  private AlertDispatcher replica(String name, int smtpPort, Duration lease) throws Exception {
    JdbcAlertState state = JdbcAlertState.open(stack.postgresJdbcUrl(), stack.postgresUser(), stack.postgresPassword(),
        name, lease);
    AlertDispatcher d = Replicas.replica(dir, name, clock, state, smtpPort, lease);
    open.add(d);
    return d;
  }

  private static List<String> received(String endpoint) throws Exception {
    return Replicas.received(mail, endpoint);
  }

  private static AlertContent violating(String endpoint, int hour) {
    return Replicas.violating(endpoint, hour);
  }

  private static AlertContent clean(String endpoint, int hour) {
    return Replicas.clean(endpoint, hour);
  }

  @Test
  void twoReplicasSendOneAlertAndOneResolvedNoticePerIncident() throws Exception {
    String ep = "shared-incident";
    AlertDispatcher a = replica("replica-a", mail.smtpPort(), JdbcAlertState.DEFAULT_CLAIM_LEASE);
    AlertDispatcher b = replica("replica-b", mail.smtpPort(), JdbcAlertState.DEFAULT_CLAIM_LEASE);
    List<AlertContent> windows = List.of(violating(ep, 0), violating(ep, 1), violating(ep, 2), clean(ep, 3), clean(ep, 4));
    for (int i = 0; i < windows.size(); i++) {
      // Quartz hands windows to either replica: alternate, one window at a time as the job does.
      AlertDispatcher replica = i % 2 == 0 ? a : b;
      replica.offer(windows.get(i));
      assertThat(replica.awaitIdle(Duration.ofSeconds(30))).isTrue();
      clock.advance(Duration.ofHours(1));
    }
    // A window judged again on the other replica (a recovered job) claims nothing new.
    b.offer(violating(ep, 0));
    assertThat(b.awaitIdle(Duration.ofSeconds(30))).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> received(ep).size() >= 2);
    Thread.sleep(500); // a duplicate would arrive right behind
    assertThat(received(ep)).hasSize(2);
    assertThat(received(ep).get(0)).contains("90%");
    assertThat(received(ep).get(1)).isEqualTo("[Vigil] " + ep + ": resolved, 1 violation cleared");
  }

  @Test
  void aClaimLeftByADeadReplicaIsDeliveredByTheOtherOnce() throws Exception {
    String ep = "shared-takeover";
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nobody listens here once closed: replica A cannot reach its SMTP
    }
    Duration lease = Duration.ofSeconds(2);
    AlertDispatcher a = replica("replica-a", deadPort, lease);
    a.offer(violating(ep, 0));
    await().atMost(Duration.ofSeconds(30)).until(() -> claim(ep) != null);
    a.close(); // A "dies" with its claim unsent: nobody refreshes it any more

    clock.advance(lease.plusSeconds(1));
    AlertDispatcher b = replica("replica-b", mail.smtpPort(), lease);
    await().atMost(Duration.ofSeconds(30)).until(() -> received(ep).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> "replica-b".equals(claim(ep)[1]));
    assertThat(claim(ep)[0]).as("claimed_by").isEqualTo("replica-b");
    assertThat(Replicas.messageIds(mail, ep)).hasSize(1).allSatisfy((id, subject) -> assertThat(subject).doesNotContain("DUPLICATE"));
    assertThat(b.pendingCount()).isZero();
  }

  /** {claimed_by, sent_by} of the endpoint's one claim, or null when there is none. */
  private static String[] claim(String endpoint) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), stack.postgresUser(), stack.postgresPassword());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT claimed_by, sent_by FROM vigil_alert_claims WHERE endpoint = '"
            + endpoint + "'")) {
      return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
    }
  }
}
