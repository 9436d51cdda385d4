package dev.vigil.monitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.vigil.monitor.window.Window;
import org.junit.jupiter.api.Test;

class WindowJobTest {
  @Test
  void misfireAtRecoveryIsAlignedToTheLatestCronTime() {
    Instant recovered = Instant.parse("2026-11-22T10:37:12.345Z");
    assertThat(WindowJob.alignedFireTime("0 0 * * * ?", recovered)).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(WindowJob.alignedFireTime("0 0 0/6 * * ?", recovered)).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
    assertThat(WindowJob.alignedFireTime("0 0 0 * * ?", recovered)).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(WindowJob.alignedFireTime("* * * * * ?", Instant.parse("2026-11-22T10:37:12.345Z")))
        .isEqualTo(Instant.parse("2026-11-22T10:37:12Z"));
    Instant onTime = Instant.parse("2026-11-22T11:00:00Z");
    assertThat(WindowJob.alignedFireTime("0 0 * * * ?", onTime)).isEqualTo(onTime);
  }

  @Test
  void missedWindowsAreTheUnreportedOnesSinceTheLastReportOldestFirst() {
    Instant fire = Instant.parse("2026-11-22T15:00:00Z");
    Instant firstFire = Instant.parse("2026-11-20T09:30:00Z");
    Set<Instant> reported = Set.of(Instant.parse("2026-11-22T11:00:00Z"), Instant.parse("2026-11-22T09:00:00Z"));
    // 12:00, 13:00, 14:00 missed; 11:00 reported stops the walk (10:00 is an older gap, not downtime).
    assertThat(WindowJob.missedFireTimes("0 0 * * * ?", fire, firstFire, 24, reported::contains)).containsExactly(
        Instant.parse("2026-11-22T12:00:00Z"), Instant.parse("2026-11-22T13:00:00Z"), Instant.parse("2026-11-22T14:00:00Z"));
  }

  @Test
  void backfillStopsAtItsBoundAndAtTheSchedulesFirstFire() {
    Instant fire = Instant.parse("2026-11-22T15:00:00Z");
    // A long outage: only the newest two windows, still oldest first.
    assertThat(WindowJob.missedFireTimes("0 0 * * * ?", fire, Instant.EPOCH, 2, t -> false)).containsExactly(
        Instant.parse("2026-11-22T13:00:00Z"), Instant.parse("2026-11-22T14:00:00Z"));
    // Nothing before the monitor was set up (12:40) counts as missed.
    assertThat(WindowJob.missedFireTimes("0 0 * * * ?", fire, Instant.parse("2026-11-22T12:40:00Z"), 24, t -> false))
        .containsExactly(Instant.parse("2026-11-22T13:00:00Z"), Instant.parse("2026-11-22T14:00:00Z"));
    assertThat(WindowJob.missedFireTimes("0 0 * * * ?", fire, Instant.EPOCH, 0, t -> false)).isEmpty();
    // S3 cannot answer: no backfill this time (the window itself still runs).
    assertThat(WindowJob.missedFireTimes("0 0 * * * ?", fire, Instant.EPOCH, 24, t -> {
      throw new IllegalStateException("S3 down");
    })).isEmpty();
  }

  @Test
  void previousFireTimeOfASecondsCron() {
    assertThat(WindowJob.previousFireTime("0/5 * * * * ?", Instant.parse("2026-11-22T10:00:10Z")))
        .isEqualTo(Instant.parse("2026-11-22T10:00:05Z"));
    assertThat(WindowJob.previousFireTime("0/5 * * * * ?", Instant.parse("2026-11-22T10:00:07.5Z")))
        .isEqualTo(Instant.parse("2026-11-22T10:00:05Z"));
  }

  @Test
  void invalidCronIsAConfigErrorNamingTheFix() {
    assertThatThrownBy(() -> new MonitorScheduler.Job("e", "every hour", Duration.ofHours(-1), Duration.ZERO))
        .hasMessageContaining("use hourly, daily, every N hours");
    assertThatThrownBy(() -> new MonitorScheduler.Job("e", "0 0 * * * ?", Duration.ZERO, Duration.ofHours(-1)))
        .hasMessageContaining("must be after");
  }

  @Test
  void inMemorySchedulerRunsEveryEndpointOnWindowsOfTheCronGrid() throws Exception {
    Map<String, Set<Window>> seen = new ConcurrentHashMap<>();
    WindowRunner record = (endpoint, window) -> seen.computeIfAbsent(endpoint, e -> ConcurrentHashMap.newKeySet()).add(window);
    List<MonitorScheduler.Job> jobs = List.of(
        new MonitorScheduler.Job("a", "* * * * * ?", Duration.ofSeconds(-1), Duration.ZERO),
        new MonitorScheduler.Job("b", "0/2 * * * * ?", Duration.ofSeconds(-2), Duration.ZERO));
    try (MonitorScheduler s = MonitorScheduler.create(jobs, Map.of("a", record, "b", record), MonitorScheduler.Store.memory())) {
      s.start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> seen.getOrDefault("a", Set.of()).size() >= 3 && seen.getOrDefault("b", Set.of()).size() >= 2);
    }
    assertThat(seen.get("a")).allSatisfy(w -> {
      assertThat(w.length()).isEqualTo(Duration.ofSeconds(1));
      assertThat(w.end().getNano()).isZero();
    });
    assertThat(seen.get("b")).allSatisfy(w -> {
      assertThat(w.length()).isEqualTo(Duration.ofSeconds(2));
      assertThat(w.end().getEpochSecond() % 2).isZero();
    });
  }

  @Test
  void schemaScriptYieldsOnlyCreateStatements() throws Exception {
    List<String> sql = MonitorScheduler.schemaStatements();
    assertThat(sql).isNotEmpty().allSatisfy(s -> assertThat(s.toUpperCase()).startsWith("CREATE"));
    assertThat(sql).anySatisfy(s -> assertThat(s).contains("QRTZ_JOB_DETAILS"));
  }
}
