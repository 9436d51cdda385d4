package dev.vigil.faults.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.faults.ChildJvm;
import dev.vigil.faults.FaultFigures;
import dev.vigil.faults.monitor.CaptureFeeder.Mode;
import dev.vigil.faults.monitor.MonitorRuns.Run;
import dev.vigil.stack.EmbeddedStack;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Monitor replicas as an operator runs them ({@code java -jar vigil.jar monitor}, clustered on
 * one PostgreSQL, mailing one SMTP server), fed real captures in S3 and faulted for real: two
 * replicas through an incident, {@code kill -9} mid-window, PostgreSQL restarted under the
 * scheduler. Windows are 5 s on a 5 s cron ({@code 0/5 * * * * ?}), ending 2 s before each fire so
 * that the feeder's last records are in S3.
 */
class MonitorReplicasFaultTest {
  private static final String CRON = "0/5 * * * * ?";
  private static final Duration STEP = Duration.ofSeconds(5);
  private static final Duration START_UP = Duration.ofSeconds(90);

  private static EmbeddedStack stack;
  private static S3Client s3;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = EmbeddedStack.builder().kafka(false).s3(true).smtp(true).postgres(true).build().start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
  }

  @AfterAll
  static void stopStack() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void twoReplicasSendOneAlertAndOneResolvedNoticeForAnIncident() throws Exception {
    String endpoint = "signs-incident";
    CaptureFeeder feeder = feeder(endpoint, Mode.VIOLATING);
    String jdbcUrl = database("faults_incident");
    ChildJvm[] replicas = {monitor("replica-a", endpoint, jdbcUrl), monitor("replica-b", endpoint, jdbcUrl)};
    awaitStarted(replicas);

    // A run of violating windows: the first one alerts...
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> !mails(endpoint, false).isEmpty());
    // ...and the replica that sent it goes away for a while (a rolling update), so that the other
    // judges the next violating windows knowing only what the shared state tells it. Quartz keeps
    // the replica that finished a window busy (the other polls every ~30 s), so without this every
    // window could land on the sender and the test would prove little.
    int sender = claimedBy(replicas[0], endpoint, "ALERT") ? 0 : 1;
    ChildJvm other = replicas[1 - sender];
    long otherViolatingBefore = violating(MonitorRuns.of(endpoint, other));
    replicas[sender].stop(Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> violating(MonitorRuns.of(endpoint, other)) > otherViolatingBefore
            && violating(MonitorRuns.of(endpoint, replicas)) >= 3);
    replicas[sender] = monitor(replicas[sender].log().getFileName().toString().replace(".log", ""), endpoint, jdbcUrl);
    // ...then clean ones, until the resolved notice is out.
    resolveAndStop(endpoint, feeder, replicas);

    List<Run> runs = MonitorRuns.of(endpoint, replicas);
    List<String> alerts = mails(endpoint, false);
    List<String> resolved = mails(endpoint, true);
    Map<String, Integer> byReplica = MonitorRuns.perReplica(runs);
    FaultFigures.of("monitor-two-replicas-incident")
        .put("windows", MonitorRuns.perWindow(runs).size())
        .put("reports", runs.size())
        .put("duplicates", MonitorRuns.duplicates(runs))
        .put("violating_windows", violating(runs))
        .put("alerts_sent", alerts.size())
        .put("resolved_sent", resolved.size())
        .put("reports_replica_a", byReplica.getOrDefault("replica-a", 0))
        .put("reports_replica_b", byReplica.getOrDefault("replica-b", 0))
        .put("violating_windows_after_alert_on_other", violating(MonitorRuns.of(endpoint, other)) - otherViolatingBefore)
        .print();
    assertThat(MonitorRuns.duplicates(runs)).as("windows reported twice: %s", runs).isZero();
    assertThat(alerts).as("alert e-mails for the incident").hasSize(1);
    assertThat(resolved).as("resolved e-mails for the incident").hasSize(1);
  }

  @Test
  void twoMemoryStoreReplicasJudgingEveryWindowSendOneAlertAndOneResolvedNotice() throws Exception {
    // No database: each replica runs every window at the same instant, so they race on the alert
    // state in S3 (conditional writes) for every one of them.
    String endpoint = "signs-memory";
    CaptureFeeder feeder = feeder(endpoint, Mode.VIOLATING);
    ChildJvm[] replicas = {monitor("mem-a", endpoint, null), monitor("mem-b", endpoint, null)};
    awaitStarted(replicas);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> !mails(endpoint, false).isEmpty() && violating(MonitorRuns.of(endpoint, replicas)) >= 6);
    resolveAndStop(endpoint, feeder, replicas);

    List<Run> runs = MonitorRuns.of(endpoint, replicas);
    List<String> alerts = mails(endpoint, false);
    List<String> resolved = mails(endpoint, true);
    Map<String, Integer> byReplica = MonitorRuns.perReplica(runs);
    FaultFigures.of("monitor-two-memory-replicas-incident")
        .put("windows", MonitorRuns.perWindow(runs).size())
        .put("reports", runs.size())
        .put("violating_windows", violating(runs))
        .put("alerts_sent", alerts.size())
        .put("resolved_sent", resolved.size())
        .put("reports_replica_a", byReplica.getOrDefault("mem-a", 0))
        .put("reports_replica_b", byReplica.getOrDefault("mem-b", 0))
        .print();
    assertThat(byReplica.getOrDefault("mem-a", 0)).as("replica a judged windows").isPositive();
    assertThat(byReplica.getOrDefault("mem-b", 0)).as("replica b judged windows").isPositive();
    assertThat(alerts).as("alert e-mails for the incident").hasSize(1);
    assertThat(resolved).as("resolved e-mails for the incident").hasSize(1);
  }

  /**
   * Ends the incident: clean captures from now on, until a clean window is reported and the
   * resolved notice is out; then waits for a second alert or notice that would go out right
   * behind, and stops every replica.
   */
  private static void resolveAndStop(String endpoint, CaptureFeeder feeder, ChildJvm... replicas) throws Exception {
    feeder.mode(Mode.CLEAN);
    Instant cleanFrom = Instant.now().plusSeconds(1);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
        MonitorRuns.of(endpoint, replicas).stream().anyMatch(r -> r.violations() == 0 && r.start().isAfter(cleanFrom))
            && !mails(endpoint, true).isEmpty());
    Thread.sleep(3000);
    for (ChildJvm r : replicas) {
      r.stop(Duration.ofSeconds(30));
    }
  }

  /** Whether {@code replica} logged claiming a message of {@code kind} (ALERT or RESOLVED) for the endpoint. */
  private static boolean claimedBy(ChildJvm replica, String endpoint, String kind) throws Exception {
    String needle = "(" + kind + ", endpoint " + endpoint + ") claimed by";
    return replica.lines().stream().anyMatch(l -> l.contains(needle));
  }

  @Test
  void aWindowWhoseReplicaIsKilledIsRerunByTheOtherOnce() throws Exception {
    String endpoint = "signs-kill";
    feeder(endpoint, Mode.CLEAN);
    String jdbcUrl = database("faults_kill");
    ChildJvm a = monitor("replica-a", endpoint, jdbcUrl);
    ChildJvm b = monitor("replica-b", endpoint, jdbcUrl);
    awaitStarted(a, b);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> !MonitorRuns.of(endpoint, a, b).isEmpty());

    // The next window to start, on whichever replica Quartz gave it: kill -9 right then.
    int fromA = a.lines().size();
    int fromB = b.lines().size();
    Instant[] started = new Instant[1];
    ChildJvm[] victim = new ChildJvm[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (ChildJvm c : List.of(a, b)) {
        Instant s = MonitorRuns.startingAfter(c, endpoint, c == a ? fromA : fromB);
        if (s != null) {
          started[0] = s;
          victim[0] = c;
          return true;
        }
      }
      return false;
    });
    victim[0].kill9();
    long killedAt = System.nanoTime();
    ChildJvm survivor = victim[0] == a ? b : a;
    Instant window = started[0];
    boolean midWindow = MonitorRuns.of(endpoint, victim[0]).stream().noneMatch(r -> r.start().equals(window));

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> MonitorRuns.of(endpoint, survivor).stream().anyMatch(r -> r.start().equals(window)));
    long recoverySeconds = (System.nanoTime() - killedAt) / 1_000_000_000L;
    // Two more windows after it: the schedule carries on with one replica.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
        MonitorRuns.of(endpoint, survivor).stream().filter(r -> r.start().isAfter(window)).count() >= 2);
    survivor.stop(Duration.ofSeconds(30));

    List<Run> runs = MonitorRuns.of(endpoint, a, b);
    boolean recovered = survivor.lines().stream().anyMatch(l -> l.contains("rerunning endpoint " + endpoint + " window "
        + window));
    FaultFigures.of("monitor-kill-9-mid-window")
        .put("windows", MonitorRuns.perWindow(runs).size())
        .put("reports", runs.size())
        .put("duplicates", MonitorRuns.duplicates(runs))
        .put("lost", MonitorRuns.gaps(runs, STEP).size())
        .put("killed_mid_window", midWindow)
        .put("rerun_by_recovery", recovered)
        .put("killed_window_reported_s", recoverySeconds)
        .put("backfilled", runs.stream().filter(Run::backfill).count())
        .print();
    assertThat(midWindow).as("the kill landed after %s was reported; the run was too quick to interrupt", window).isTrue();
    assertThat(MonitorRuns.perWindow(runs).get(window)).as("reports of the killed window %s", window).isEqualTo(1);
    assertThat(MonitorRuns.duplicates(runs)).as("windows reported twice: %s", runs).isZero();
    assertThat(MonitorRuns.gaps(runs, STEP)).as("windows lost").isEmpty();
  }

  @Test
  void postgresRestartedUnderTheSchedulerLosesAndDoublesNoWindow() throws Exception {
    String endpoint = "signs-pg";
    feeder(endpoint, Mode.CLEAN);
    String jdbcUrl = database("faults_pg");
    ChildJvm a = monitor("replica-a", endpoint, jdbcUrl);
    awaitStarted(a);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> MonitorRuns.of(endpoint, a).size() >= 2);

    stack.stopPostgres();
    long down = System.nanoTime();
    Thread.sleep(12_000); // two fires or more come and go without the job store
    stack.startPostgres();
    long outageMillis = (System.nanoTime() - down) / 1_000_000;
    Instant back = Instant.now();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
        MonitorRuns.of(endpoint, a).stream().filter(r -> r.start().isAfter(back)).count() >= 2);
    assertThat(a.isAlive()).as("the monitor survives the database restart").isTrue();
    a.stop(Duration.ofSeconds(30));

    List<Run> runs = MonitorRuns.of(endpoint, a);
    FaultFigures.of("monitor-postgres-restart")
        .put("outage_ms", outageMillis)
        .put("windows", MonitorRuns.perWindow(runs).size())
        .put("reports", runs.size())
        .put("duplicates", MonitorRuns.duplicates(runs))
        .put("lost", MonitorRuns.gaps(runs, STEP).size())
        .put("backfilled", runs.stream().filter(Run::backfill).count())
        .print();
    assertThat(MonitorRuns.duplicates(runs)).as("windows reported twice: %s", runs).isZero();
    assertThat(MonitorRuns.gaps(runs, STEP)).as("windows lost around the restart: %s", runs).isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private CaptureFeeder feeder(String endpoint, Mode mode) {
    CaptureFeeder f = new CaptureFeeder(s3, stack.s3Bucket(), endpoint, mode);
    open.add(f);
    return f;
  }

  /** A fresh database per test, so one test's schedule and alert state never reach another. */
  private static String database(String name) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), stack.postgresUser(), stack.postgresPassword());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    }
    return stack.postgresJdbcUrl().substring(0, stack.postgresJdbcUrl().lastIndexOf('/') + 1) + name;
  }

  /** A monitor process; {@code jdbcUrl} null for the memory job store (alert state in S3). */
  private ChildJvm monitor(String name, String endpoint, String jdbcUrl) throws Exception {
    String jobStore = jdbcUrl == null
        ? "{type: memory, instanceId: %s}".formatted(name)
        : "{type: jdbc, jdbcUrl: \"%s\", user: %s, password: %s, instanceId: %s, clusterCheckin: 1s}".formatted(
            jdbcUrl, stack.postgresUser(), stack.postgresPassword(), name);
    Path work = dir.resolve(name);
    Files.createDirectories(work);
    Path config = Files.writeString(work.resolve("vigil.yaml"), """
        endpoints:
          - name: %s
            variant: v1
            upstream: http://127.0.0.1:9
            output: {format: probabilities}
        sinks:
          kafka: {enabled: false}
          s3: {bucket: %s, prefix: %s, endpointOverride: "%s", pathStyle: true, accessKeyId: "%s",
               secretAccessKey: "%s", objectMaxAge: 5s}
        monitor:
          schedule: "%s"
          window: {start: -PT7S, end: -PT2S}
          minRecords: 5
          admin: {host: 127.0.0.1, port: 0}
          jobStore: %s
          backfill: {maxWindows: 12}
        alerts:
          smtp: {host: 127.0.0.1, port: %d}
          from: vigil@vigil.example
          recipients: [oncall@vigil.example]
          outbox: %s
        """.formatted(endpoint, stack.s3Bucket(), CaptureFeeder.PREFIX, stack.s3Endpoint(), stack.s3AccessKey(),
        stack.s3SecretKey(), CRON, jobStore, stack.smtpPort(),
        work.resolve("outbox")));
    ChildJvm child = ChildJvm.start(name, ChildJvm.VIGIL_JAR, work,
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"), Map.of(),
        "monitor", "--config", config.toString(), "--reports-dir", work.resolve("reports").toString());
    open.add(child);
    return child;
  }

  private static void awaitStarted(ChildJvm... replicas) throws Exception {
    for (ChildJvm r : replicas) {
      r.awaitLine("vigil monitor: 1 endpoint", START_UP);
    }
  }

  private static long violating(List<Run> runs) {
    return runs.stream().filter(r -> r.violations() > 0 && r.predictions() > 0).count();
  }

  /** Subjects of the e-mails about {@code endpoint}, one per Message-ID: resolved notices or alerts. */
  private static List<String> mails(String endpoint, boolean resolvedNotices) throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (MimeMessage m : stack.receivedMessages()) {
      String[] h = m.getHeader("X-Vigil-Endpoint");
      if (h == null || !h[0].equals(endpoint)) {
        continue;
      }
      boolean resolved = m.getSubject().contains(": resolved,");
      if (resolved == resolvedNotices) {
        // Count copies too: two replicas sending the same alert is exactly the failure under test.
        ids.add(m.getMessageID());
        out.add(m.getSubject());
      }
    }
    return out;
  }
}
