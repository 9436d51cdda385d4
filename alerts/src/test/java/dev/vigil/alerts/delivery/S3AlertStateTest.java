package dev.vigil.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.MailServer;
import dev.vigil.alerts.MutableClock;
import dev.vigil.stack.EmbeddedStack;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link S3AlertState} on the embedded stack's real S3Proxy (conditional PutObject), with replicas
 * e-mailing through a real SMTP server: as {@link SharedAlertStateTest} for PostgreSQL, and the
 * compare-and-set races S3 has instead of a lock. Each test keeps its state under its own prefix.
 */
class S3AlertStateTest {
  private static EmbeddedStack stack;
  private static MailServer mail;
  private static S3Client s3;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T11:05:00Z"));
  private final String prefix = "alert-state-" + UUID.randomUUID();
  private final List<AlertDispatcher> open = new ArrayList<>();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().kafka(false).s3(true).smtp(false).postgres(false).build().start();
    mail = new MailServer();
    s3 = S3Client.builder()
        .endpointOverride(stack.s3Endpoint())
        .forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (mail != null) {
      mail.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void close() {
    open.forEach(AlertDispatcher::close);
  }

  private S3AlertState state(String name, Duration lease) {
    return S3AlertState.open(s3, stack.s3Bucket(), prefix, name, lease);
  }

  private AlertDispatcher replica(String name, int smtpPort, Duration lease) throws Exception {
    AlertDispatcher d = Replicas.replica(dir, name, clock, state(name, lease), smtpPort, lease);
    open.add(d);
    return d;
  }

  @Test
  void twoReplicasJudgingEveryWindowSendOneAlertAndOneResolvedNotice() throws Exception {
    String ep = "s3-incident";
    AlertDispatcher a = replica("replica-a", mail.smtpPort(), SharedAlertState.DEFAULT_CLAIM_LEASE);
    AlertDispatcher b = replica("replica-b", mail.smtpPort(), SharedAlertState.DEFAULT_CLAIM_LEASE);
    List<AlertContent> windows = List.of(Replicas.violating(ep, 0), Replicas.violating(ep, 1),
        Replicas.violating(ep, 2), Replicas.clean(ep, 3), Replicas.clean(ep, 4));
    for (int i = 0; i < windows.size(); i++) {
      // With the memory job store every replica runs every window; who goes first alternates.
      AlertDispatcher first = i % 2 == 0 ? a : b;
      AlertDispatcher second = first == a ? b : a;
      first.offer(windows.get(i));
      assertThat(first.awaitIdle(Duration.ofSeconds(30))).isTrue();
      second.offer(windows.get(i));
      assertThat(second.awaitIdle(Duration.ofSeconds(30))).isTrue();
      clock.advance(Duration.ofHours(1));
    }
    // A window judged again (a re-run) claims nothing new.
    b.offer(Replicas.violating(ep, 0));
    assertThat(b.awaitIdle(Duration.ofSeconds(30))).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> Replicas.received(mail, ep).size() >= 2);
    Thread.sleep(500); // a duplicate would arrive right behind
    List<String> received = Replicas.received(mail, ep);
    assertThat(received).hasSize(2);
    assertThat(received.get(0)).contains("90%");
    assertThat(received.get(1)).isEqualTo("[Vigil] " + ep + ": resolved, 1 violation cleared");
    assertThat(keys("claims/")).as("no claim left unsent").isEmpty();
    assertThat(keys("sent/")).hasSize(2);
    assertThat(ledgerAlerts(ep)).hasSize(2);
  }

  @Test
  void aClaimLeftByADeadReplicaIsTakenOverByOneOfTwoReplicasOnce() throws Exception {
    String ep = "s3-takeover";
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nobody listens here once closed: replica A cannot reach its SMTP
    }
    Duration lease = Duration.ofSeconds(2);
    AlertDispatcher a = replica("replica-a", deadPort, lease);
    a.offer(Replicas.violating(ep, 0));
    await().atMost(Duration.ofSeconds(30)).until(() -> !keys("ledger/").isEmpty());
    assertThat(keys("claims/")).hasSize(1);
    assertThat(ledgerAlerts(ep)).hasSize(1);
    assertThat(a.pendingCount()).as("waiting in A's outbox: its SMTP is unreachable").isEqualTo(1);
    a.close(); // A "dies" with its claim unsent: nobody refreshes it any more

    clock.advance(lease.plusSeconds(1));
    AlertDispatcher b = replica("replica-b", mail.smtpPort(), lease);
    AlertDispatcher c = replica("replica-c", mail.smtpPort(), lease);
    await().atMost(Duration.ofSeconds(30)).until(() -> Replicas.received(mail, ep).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> keys("claims/").isEmpty());
    Thread.sleep(1000); // the loser's next pass, and a duplicate, would show by now
    assertThat(Replicas.messageIds(mail, ep)).hasSize(1)
        .allSatisfy((id, subject) -> assertThat(subject).doesNotContain("DUPLICATE"));
    List<String> sent = keys("sent/");
    assertThat(sent).hasSize(1);
    String sentBy = json.readTree(get(sent.get(0))).get("sentBy").asText();
    assertThat(sentBy).isIn("replica-b", "replica-c");
    assertThat(b.pendingCount() + c.pendingCount()).isZero();
  }

  @Test
  void twoReplicasDecidingOneWindowAtOnceMakeOneClaim() throws Exception {
    for (int round = 0; round < 5; round++) {
      String ep = "s3-race-" + round;
      List<DedupLedger.Outcome> outcomes = race(Replicas.violating(ep, 0), Replicas.violating(ep, 0));
      assertThat(outcomes).as("round %d", round)
          .containsExactlyInAnyOrder(DedupLedger.Outcome.SEND, DedupLedger.Outcome.NOTHING);
      assertThat(keys("claims/")).filteredOn(k -> k.contains(ledgerAlerts(ep).keySet().iterator().next()))
          .hasSize(1);
      assertThat(ledgerAlerts(ep)).hasSize(1);
    }
    assertThat(keys("claims/")).hasSize(5);
  }

  @Test
  void twoReplicasDecidingTwoWindowsOfOneEndpointAtOnceSendOnceAndSuppressOnce() throws Exception {
    for (int round = 0; round < 5; round++) {
      String ep = "s3-race-windows-" + round;
      // Different windows: different alert ids, so only the ledger's compare-and-set orders them.
      List<DedupLedger.Outcome> outcomes = race(Replicas.violating(ep, 0), Replicas.violating(ep, 1));
      assertThat(outcomes).as("round %d", round)
          .containsExactlyInAnyOrder(DedupLedger.Outcome.SEND, DedupLedger.Outcome.SUPPRESSED);
      assertThat(ledgerAlerts(ep)).hasSize(1);
    }
    assertThat(keys("claims/")).as("the loser deleted the claim it could not commit").hasSize(5);
  }

  @Test
  void aLedgerThatKeepsChangingFailsTheDecisionInOneLineAndLeavesNoClaim() {
    String ep = "s3-contended";
    S3AlertState x = state("racer-x", SharedAlertState.DEFAULT_CLAIM_LEASE);
    String ledgerKey = prefix + "/ledger/" + ep + ".json";
    int[] renders = {0};
    // Another replica writes the ledger between every read and conditional write of this one.
    assertThatThrownBy(() -> x.decide(Replicas.violating(ep, 0), clock.instant(), Duration.ofHours(6), 0.1, alert -> {
      renders[0]++;
      s3.putObject(b -> b.bucket(stack.s3Bucket()).key(ledgerKey),
          RequestBody.fromString("{\"entries\":[],\"alerts\":{\"other-" + renders[0] + "\":1}}"));
      return render(alert);
    })).isInstanceOf(SharedAlertState.StateException.class)
        .hasMessageContaining("changed under each of " + S3AlertState.MAX_ATTEMPTS + " conditional writes")
        .hasMessageNotContaining("\n");
    assertThat(renders[0]).isEqualTo(S3AlertState.MAX_ATTEMPTS);
    assertThat(keys("claims/")).as("the claim of a decision that never committed is deleted").isEmpty();
  }

  /** Two states decide at once (released by one latch); their outcomes. */
  private List<DedupLedger.Outcome> race(AlertContent one, AlertContent other) throws Exception {
    S3AlertState x = state("racer-x", SharedAlertState.DEFAULT_CLAIM_LEASE);
    S3AlertState y = state("racer-y", SharedAlertState.DEFAULT_CLAIM_LEASE);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Instant now = clock.instant();
      Future<SharedAlertState.Decided> fx = pool.submit(() -> {
        go.await();
        return x.decide(one, now, Duration.ofHours(6), 0.1, S3AlertStateTest::render);
      });
      Future<SharedAlertState.Decided> fy = pool.submit(() -> {
        go.await();
        return y.decide(other, now, Duration.ofHours(6), 0.1, S3AlertStateTest::render);
      });
      go.countDown();
      return List.of(fx.get(60, TimeUnit.SECONDS).outcome(), fy.get(60, TimeUnit.SECONDS).outcome());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, byte[]> render(Alert alert) {
    return Map.of("email", ("message " + alert.id()).getBytes(StandardCharsets.UTF_8));
  }

  /** Keys under this test's {@code prefix/sub}. */
  private List<String> keys(String sub) {
    return s3.listObjectsV2Paginator(b -> b.bucket(stack.s3Bucket()).prefix(prefix + "/" + sub)).contents().stream()
        .map(S3Object::key).toList();
  }

  private byte[] get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(key)).asByteArray();
  }

  /** The alert ids the endpoint's ledger object lists as committed. */
  private Map<String, Object> ledgerAlerts(String endpoint) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> alerts = json.readValue(json.readTree(get(prefix + "/ledger/" + endpoint + ".json"))
          .get("alerts").toString(), Map.class);
      return alerts;
    } catch (Exception e) {
      throw new AssertionError("cannot read the ledger of " + endpoint + ": " + e, e);
    }
  }
}
