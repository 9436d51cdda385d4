package dev.vigil.pipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.delivery.RecordingChannel;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.flag.FlagCollector;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportBuilder;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real monitor-jobs report (built from predictions) turned into alert content. */
class ReportAdapterTest {
  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path outbox;

  /** 200 predictions, 80 % of them class 14 ("Stop"). */
  static MonitorReport stopHeavyReport() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 43; i++) {
      names.add(i == 14 ? "Stop" : "sign " + i);
    }
    Labels labels = Labels.of(names);
    StatisticsAccumulator stats = new StatisticsAccumulator(0.5);
    FlagCollector flags = new FlagCollector(4, labels);
    for (int n = 0; n < 200; n++) {
      double[] p = new double[43];
      int top = n % 5 == 0 ? n % 4 : 14;
      java.util.Arrays.fill(p, 0.1 / 42);
      p[top] = 0.9;
      Prediction prediction = Prediction.fromVector(p);
      stats.record();
      stats.accept(prediction);
      flags.offer("evt-" + n, START.plusSeconds(n), 0, prediction, CaptureLocation.s3("vigil", "capture/x.jsonl", n + 1));
    }
    return ReportBuilder.build("traffic-signs", "v1", START, START.plusSeconds(3600), START.plusSeconds(3700), "s3",
        "probabilities", labels, stats, flags, null, Constraints.defaults());
  }

  @Test
  void classShareViolationBecomesALineWithChartsAndReportJson() throws Exception {
    MonitorReport report = stopHeavyReport();
    assertThat(report.hasViolations()).isTrue();
    java.net.URI location = ReportAdapter.s3Location("vigil", "capture", report);
    AlertContent c = ReportAdapter.toContent(report, location, List.of());

    ViolationLine share = c.violations().stream().filter(v -> v.metric().equals("class_share_exceeded"))
        .findFirst().orElseThrow();
    assertThat(share.subject()).isEqualTo("14");
    assertThat(share.value()).isEqualTo(0.8);
    assertThat(share.limit()).isEqualTo(0.5);
    assertThat(share.description()).isEqualTo(report.violations().get(0).description());
    assertThat(c.worst()).isPresent();
    assertThat(ImageIO.read(new ByteArrayInputStream(c.classDistributionChartPng()))).isNotNull();
    assertThat(ImageIO.read(new ByteArrayInputStream(c.confidenceHistogramPng()))).isNotNull();
    assertThat(ReportJson.read(c.reportJson()).endpoint()).isEqualTo("traffic-signs");
    assertThat(location.toString()).startsWith("s3://vigil/capture/reports/traffic-signs/2026/11/22/10/")
        .endsWith("/report.json");
    assertThat(c.reportHtmlLocation().toString()).endsWith("/report.html");
    assertThat(ReportAdapter.s3Location(null, "capture", report)).isNull();
  }

  @Test
  void flaggedSampleBecomesAHeatmapItemWithTopFive() {
    MonitorReport report = stopHeavyReport();
    FlaggedSample s = report.flaggedSamples().get(0);
    HeatmapItem item = ReportAdapter.heatmap(s, Fixtures.overlay(224, 1), Fixtures.input(224, 1));
    assertThat(item.eventId()).isEqualTo(s.eventId());
    assertThat(item.predictedClass()).isEqualTo(s.predictedClass());
    assertThat(item.predictedLabel()).isEqualTo(s.predictedLabel());
    assertThat(item.top5()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
    assertThat(item.top5().get(0).index()).isEqualTo(s.predictedClass());
  }

  @Test
  void listenerOffersEveryReportWithoutBlockingAndHeatmapsRunOnTheAlertsThread() throws Exception {
    List<String> heatmapThreads = new CopyOnWriteArrayList<>();
    RecordingChannel recording = new RecordingChannel();
    List<Alert> rendered = recording.rendered();
    try (AlertDispatcher d = AlertDispatcher.builder().outbox(outbox).pollInterval(Duration.ofMillis(20))
        .channel(recording).build()) {
      AlertingReportListener listener = new AlertingReportListener(d, "vigil", "capture", r -> {
        heatmapThreads.add(Thread.currentThread().getName());
        return r.flaggedSamples().stream().limit(2)
            .map(s -> ReportAdapter.heatmap(s, Fixtures.overlay(64, 0), null)).toList();
      });
      listener.onReport(stopHeavyReport());
      await().until(() -> rendered.size() == 1);
    }
    Alert alert = rendered.get(0);
    assertThat(alert.kind()).isEqualTo(Alert.Kind.ALERT);
    assertThat(alert.content().heatmaps()).hasSize(2);
    assertThat(alert.content().severity()).contains(Severity.WARNING);
    assertThat(heatmapThreads).containsExactly("vigil-alerts");
  }
}
