package dev.vigil.pipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.flag.FlagCollector;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportBuilder;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One class, one name: the monitor's report, the saliency replay and the alert built from each
 * name a class the same way, including a class the labels file does not name.
 */
class ClassNamesTest {
  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final int CLASSES = 5;
  private static final int UNLABELLED = 3;

  @TempDir Path dir;

  @Test
  void monitorReplayAndAlertNameEveryClassAlike() throws Exception {
    Path file = Files.writeString(dir.resolve("labels.txt"), "\uFEFFspeed-30\r\nyield\r\nstop\r\n\r\n");
    EndpointConfig endpoint = ConfigLoader.parse(
        "endpoints:\n  - name: signs\n    labels: \"" + file + "\"\n", Map.of()).endpoints().get(0);

    // the monitor: labels as MonitorRuntime reads them, a window where unlabelled class 3 dominates
    Labels monitorLabels = MonitorRuntime.outputSpec(endpoint).labels();
    StatisticsAccumulator stats = new StatisticsAccumulator(0.5);
    FlagCollector flags = new FlagCollector(4, monitorLabels);
    double[] scores = {0.02, 0.03, 0.05, 0.8, 0.1};
    for (int n = 0; n < 200; n++) {
      Prediction p = Prediction.fromVector(scores.clone());
      stats.record();
      stats.accept(p);
      flags.offer("evt-" + n, START.plusSeconds(n), 0, p, CaptureLocation.s3("vigil", "capture/x.jsonl", n + 1));
    }
    MonitorReport report = ReportBuilder.build("signs", "v1", START, START.plusSeconds(3600),
        START.plusSeconds(3700), "s3", "probabilities", monitorLabels, stats, flags, null, Constraints.defaults());
    FlaggedSample flagged = report.flaggedSamples().get(0);
    ClassStatistics perClass = report.statistics().classes().stream()
        .filter(c -> c.index() == UNLABELLED).findFirst().orElseThrow();

    // the replay: labels as ReportReplay reads them, top classes as SaliencyReplay ranks them
    Labels replayLabels = Labels.read(endpoint.labels());
    float[] probabilities = new float[CLASSES];
    for (int i = 0; i < CLASSES; i++) {
      probabilities[i] = (float) scores[i];
    }
    List<ClassScore> top = ClassScore.top(probabilities, 5, replayLabels);
    ReplayedSample replayed = new ReplayedSample(flagged.eventId(), flagged.location().uri(), true, null,
        top.get(0).index(), top.get(0).label(), top.get(0).score(), UNLABELLED, top, null, null,
        Fixtures.overlay(64, 0), null, null);

    HeatmapItem fromMonitor = ReportAdapter.heatmap(flagged, Fixtures.overlay(64, 0), null);
    HeatmapItem fromReplay =
        SaliencyAdapter.heatmaps(new ReplayReport(List.of(replayed), null, new byte[0], List.of())).get(0);

    assertThat(perClass.label()).isEqualTo("3");
    assertThat(flagged.predictedLabel()).isEqualTo("3");
    assertThat(replayed.label()).isEqualTo("3");
    assertThat(fromMonitor.predictedLabel()).isEqualTo(fromReplay.predictedLabel()).isEqualTo("3");
    List<String> monitorTop = names(fromMonitor.top5()); // the monitor keeps a prediction's top 3
    assertThat(monitorTop).containsExactly("3 3", "4 4", "2 stop");
    assertThat(names(fromReplay.top5())).startsWith(monitorTop.toArray(String[]::new));
  }

  private static List<String> names(List<ClassScore> top) {
    return top.stream().map(c -> c.index() + " " + c.label()).toList();
  }
}
