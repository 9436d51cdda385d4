package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.MutableClock;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.window.Window;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console's history is incremental: after the first read it fetches only report.json objects
 * it has not seen (new windows, reruns), lists at most every {@link ReportHistory#REFRESH} and
 * notices deletions at the next full listing. Real S3 (the fixture's S3Proxy); the client is
 * wrapped only to count the objects read.
 */
class ReportHistoryTest {
  private static final String ENDPOINT = "history-test";
  private static final int WINDOWS = 300;

  private static ConsoleFixture fixture;
  private static byte[] reportJson;
  private static Instant latest;

  @BeforeAll
  static void writeHistory() throws Exception {
    fixture = ConsoleFixture.get();
    Window w = fixture.windows.get(0);
    reportJson = fixture.s3.getObjectAsBytes(b -> b.bucket(bucket()).key(key(ConsoleFixture.ENDPOINT, w.start())))
        .asByteArray();
    // hourly windows going back WINDOWS hours, under an endpoint of this test's own
    latest = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    for (int i = 0; i < WINDOWS; i++) {
      put(latest.minus(Duration.ofHours(i)), reportJson);
    }
  }

  @Test
  void readsEachReportOnceThenOnlyWhatChanged() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    AtomicInteger reads = new AtomicInteger();
    try (ReportHistory history = new ReportHistory(counting(fixture.s3, reads), bucket(), "capture", clock)) {
      long t0 = System.nanoTime();
      assertThat(history.windows(ENDPOINT)).hasSize(WINDOWS);
      long firstMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(reads).as("the first load reads every report once").hasValue(WINDOWS);
      System.out.printf("ReportHistoryTest: first load of %d reports in %d ms%n", WINDOWS, firstMs);

      Instant next = latest.plus(Duration.ofHours(1));
      put(next, reportJson);
      assertThat(history.windows(ENDPOINT)).as("within REFRESH the cached list is served").hasSize(WINDOWS);
      assertThat(reads).hasValue(WINDOWS);

      clock.advance(ReportHistory.REFRESH.plusSeconds(1));
      assertThat(history.windows(ENDPOINT)).hasSize(WINDOWS + 1)
          .last().satisfies(s -> assertThat(s.id().start()).isEqualTo(next));
      assertThat(reads).as("only the new window's report is read").hasValue(WINDOWS + 1);

      put(next, (new String(reportJson, java.nio.charset.StandardCharsets.UTF_8) + "\n").getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
      clock.advance(ReportHistory.REFRESH.plusSeconds(1));
      assertThat(history.windows(ENDPOINT)).hasSize(WINDOWS + 1);
      assertThat(reads).as("a rerun of the latest window (new ETag) is read again").hasValue(WINDOWS + 2);

      Instant oldest = latest.minus(Duration.ofHours(WINDOWS - 1));
      fixture.s3.deleteObject(b -> b.bucket(bucket()).key(key(ENDPOINT, oldest)));
      clock.advance(ReportHistory.REFRESH.plusSeconds(1));
      assertThat(history.windows(ENDPOINT)).as("incremental listings start at the latest window").hasSize(WINDOWS + 1);
      clock.advance(ReportHistory.FULL_RELIST);
      assertThat(history.windows(ENDPOINT)).as("the full listing drops the deleted report").hasSize(WINDOWS)
          .first().satisfies(s -> assertThat(s.id().start()).isEqualTo(oldest.plus(Duration.ofHours(1))));
      assertThat(reads).as("and reads nothing it already had").hasValue(WINDOWS + 2);
    }
  }

  private static void put(Instant start, byte[] bytes) {
    fixture.s3.putObject(b -> b.bucket(bucket()).key(key(ENDPOINT, start)), RequestBody.fromBytes(bytes));
  }

  private static String key(String endpoint, Instant start) {
    return ReportKeys.directory("capture", endpoint, start, start.plus(Duration.ofHours(1))) + ReportKeys.REPORT;
  }

  private static String bucket() {
    return fixture.stack.s3Bucket();
  }

  /** The real client, with its object reads counted. */
  private static S3Client counting(S3Client s3, AtomicInteger reads) {
    return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getObject") || method.getName().equals("getObjectAsBytes")) {
            if (args != null && args.length == 1) {
              reads.incrementAndGet(); // the one-argument forms; they delegate to the real client as one read
            }
          }
          try {
            return method.invoke(s3, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
