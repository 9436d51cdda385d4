package dev.vigil.monitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.monitor.window.Window;
import dev.vigil.stack.EmbeddedStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas on one clustered Quartz JobStore in a real PostgreSQL (embedded stack). */
class ClusteredSchedulerTest {
  private static EmbeddedStack stack;

  @BeforeAll
  static void startPostgres() {
    stack = EmbeddedStack.builder().kafka(false).s3(false).smtp(false).postgres(true).build().start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private record Run(String node, Window window) {}

  private static MonitorScheduler node(String id, Queue<Run> runs) throws Exception {
    return node(id, runs, "signs", "* * * * * ?", Duration.ofSeconds(-1), Duration.ofSeconds(60));
  }

  private static MonitorScheduler node(String id, Queue<Run> runs, String endpoint, String cron, Duration start,
      Duration misfire) throws Exception {
    WindowRunner r = (e, window) -> runs.add(new Run(id, window));
    List<MonitorScheduler.Job> jobs = List.of(new MonitorScheduler.Job(endpoint, cron, start, Duration.ZERO));
    MonitorScheduler.Store store = new MonitorScheduler.Store(stack.postgresJdbcUrl(), stack.postgresUser(),
        stack.postgresPassword(), id, Duration.ofMillis(2000), misfire);
    return MonitorScheduler.create(jobs, Map.of(endpoint, r), store);
  }

  @Test
  void firesMissedWhileEveryReplicaWasDownRunOnceForTheLatestMissedWindow() throws Exception {
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    MonitorScheduler first = node("only-1", runs, "missed", "0/4 * * * * ?", Duration.ofSeconds(-4), Duration.ofSeconds(1));
    first.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 1);
    first.close();
    int before = runs.size();
    java.time.Instant down = java.time.Instant.now();
    Thread.sleep(10_500); // two or three 4-second fires missed, each by more than the 1 s threshold
    MonitorScheduler second = node("only-2", runs, "missed", "0/4 * * * * ?", Duration.ofSeconds(-4), Duration.ofSeconds(1));
    java.time.Instant up = java.time.Instant.now();
    try {
      second.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= before + 1);
      Thread.sleep(500);
    } finally {
      second.close();
    }
    List<Window> after = runs.stream().skip(before).map(Run::window).toList();
    // Exactly one run covers the downtime: the latest cron window before the restart, on the grid.
    List<Window> catchUp = after.stream().filter(w -> w.end().isBefore(up.plusMillis(1))).toList();
    assertThat(catchUp).hasSize(1);
    Window w = catchUp.get(0);
    assertThat(w.length()).isEqualTo(Duration.ofSeconds(4));
    assertThat(w.end().getEpochSecond() % 4).isZero();
    assertThat(w.end()).isAfter(down.plusSeconds(4));
  }

  /** A runner that remembers what it reported, as the monitor's report.json in S3 does. */
  private record Reporting(String node, Queue<Run> runs, Queue<Boolean> backfills, java.util.Set<Window> reported)
      implements WindowRunner {
    @Override
    public void run(String endpoint, Window window) {
      run(endpoint, window, false);
    }

    @Override
    public void run(String endpoint, Window window, boolean backfill) {
      runs.add(new Run(node, window));
      backfills.add(backfill);
      reported.add(window);
    }

    @Override
    public boolean reported(String endpoint, Window window) {
      return reported.contains(window);
    }
  }

  @Test
  void windowsMissedWhileEveryReplicaWasDownAreBackfilledOldestFirstEachOnce() throws Exception {
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    Queue<Boolean> backfills = new ConcurrentLinkedQueue<>();
    java.util.Set<Window> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<MonitorScheduler.Job> jobs = List.of(
        new MonitorScheduler.Job("backfilled", "0/2 * * * * ?", Duration.ofSeconds(-2), Duration.ZERO, 10));
    MonitorScheduler first = MonitorScheduler.create(jobs, Map.of("backfilled",
        new Reporting("first", runs, backfills, reported)), new MonitorScheduler.Store(stack.postgresJdbcUrl(),
        stack.postgresUser(), stack.postgresPassword(), "bf-1", Duration.ofMillis(2000), Duration.ofSeconds(1)));
    first.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 2);
    first.close();
    Thread.sleep(7_000); // three or four 2-second fires missed, by more than the 1 s misfire threshold
    MonitorScheduler second = MonitorScheduler.create(jobs, Map.of("backfilled",
        new Reporting("second", runs, backfills, reported)), new MonitorScheduler.Store(stack.postgresJdbcUrl(),
        stack.postgresUser(), stack.postgresPassword(), "bf-2", Duration.ofMillis(2000), Duration.ofSeconds(1)));
    try {
      second.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.stream().filter(r -> r.node().equals("second")).count() >= 6);
    } finally {
      second.close();
    }
    List<Window> windows = runs.stream().map(Run::window).toList();
    List<Boolean> flags = List.copyOf(backfills);
    assertThat(windows).as(runs.toString()).doesNotHaveDuplicates();
    // Every 2-second window from the first to the last ran: none lost to the downtime...
    for (int i = 1; i < windows.size(); i++) {
      assertThat(windows.get(i).start()).as(runs.toString()).isEqualTo(windows.get(i - 1).end());
    }
    // ...and the ones missed were marked as backfills (oldest first, as the order above shows).
    assertThat(flags.stream().filter(b -> b).count()).as(runs + " " + flags).isGreaterThanOrEqualTo(2);
  }

  @Test
  void eachWindowRunsOnceAcrossReplicasAndTheSurvivorCarriesOn() throws Exception {
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    MonitorScheduler a = node("node-a", runs);
    MonitorScheduler b = node("node-b", runs);
    try {
      a.start();
      b.start();
      await().atMost(Duration.ofSeconds(40)).until(() -> runs.size() >= 8);
      a.close();
      int afterStop = runs.size();
      await().atMost(Duration.ofSeconds(40)).until(() -> runs.stream().skip(afterStop).filter(r -> r.node().equals("node-b")).count() >= 4);
    } finally {
      a.close();
      b.close();
    }
    List<Window> windows = runs.stream().map(Run::window).toList();
    assertThat(windows).as(runs.toString()).doesNotHaveDuplicates();
    assertThat(windows).allSatisfy(w -> assertThat(w.length()).isEqualTo(Duration.ofSeconds(1)));
  }
}
