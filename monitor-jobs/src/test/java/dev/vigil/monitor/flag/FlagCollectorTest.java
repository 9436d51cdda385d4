package dev.vigil.monitor.flag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.check.Severity;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.stats.UnusableReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagCollectorTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private static Prediction p(int cls, double conf) {
    double[] v = new double[5];
    java.util.Arrays.fill(v, (1 - conf) / 4);
    v[cls] = conf;
    return Prediction.fromVector(v);
  }

  @Test
  void keepsTheLeastConfidentRecordsOfTheOverPredictedClassInBoundedHeaps() {
    FlagCollector f = new FlagCollector(3, Labels.of(List.of("a", "b", "stop", "d", "e")));
    for (int i = 0; i < 1000; i++) {
      double conf = 0.3 + (i * 7919 % 1000) / 2000.0;
      f.offer(String.format("ev-%04d", i), T, 0, p(2, conf), CaptureLocation.s3("vigil", "k", i + 1));
      f.offer(String.format("other-%04d", i), T, 0, p(0, 0.25), CaptureLocation.s3("vigil", "k2", i + 1));
    }
    Violation share = new Violation(ViolationType.CLASS_SHARE_EXCEEDED, "stop", 2, 0.5, 0.5, null, "", Severity.WARNING);
    List<FlaggedSample> s = f.samplesFor(List.of(share), null);
    assertThat(s).hasSize(3);
    assertThat(s).extracting(FlaggedSample::predictedLabel).containsOnly("stop");
    assertThat(s).extracting(FlaggedSample::confidence).containsExactly(0.3, 0.3005, 0.301);
    assertThat(s.get(0).topK().get(0).label()).isEqualTo("stop");
    assertThat(s.get(0).location().uri()).isEqualTo("s3://vigil/k#L1");

    Violation low = new Violation(ViolationType.LOW_CONFIDENCE, "top1_confidence", null, 1, 0.3, null, "", Severity.WARNING);
    List<FlaggedSample> l = f.samplesFor(List.of(low), null);
    assertThat(l).extracting(FlaggedSample::eventId).containsExactly("other-0000", "other-0001", "other-0002");
  }

  @Test
  void mergingTwoCollectorsKeepsTheSameSamplesAsOne() {
    FlagCollector one = new FlagCollector(4, Labels.none());
    FlagCollector a = new FlagCollector(4, Labels.none());
    FlagCollector b = new FlagCollector(4, Labels.none());
    for (int i = 0; i < 200; i++) {
      Prediction pr = p(i % 3, 0.3 + (i * 31 % 200) / 400.0);
      CaptureLocation loc = CaptureLocation.kafka("t", 0, i);
      one.offer("e" + i, T, 0, pr, loc);
      (i % 2 == 0 ? a : b).offer("e" + i, T, 0, pr, loc);
    }
    a.merge(b);
    Violation v = new Violation(ViolationType.CLASS_SHARE_EXCEEDED, "1", 1, 0.6, 0.5, null, "", Severity.WARNING);
    assertThat(a.samplesFor(List.of(v), null)).isEqualTo(one.samplesFor(List.of(v), null));
  }

  @Test
  void completenessEvidenceIsTheUnusableRecords() {
    FlagCollector f = new FlagCollector(2, Labels.none());
    f.offerUnusable(null, null, UnusableReason.CORRUPT_LINE, CaptureLocation.s3("vigil", "k", 3));
    Violation v = new Violation(ViolationType.COMPLETENESS, "records", null, 0.2, 0.05, null, "", Severity.CRITICAL);
    List<FlaggedSample> s = f.samplesFor(List.of(v), null);
    assertThat(s).singleElement().satisfies(x -> {
      assertThat(x.predictedLabel()).isEqualTo("corrupt_line");
      assertThat(x.location().line()).isEqualTo(3);
    });
  }

  @Test
  void locationsRoundTripThroughTheirUri() {
    CaptureLocation s3 = CaptureLocation.s3("vigil", "capture/ep/v1/2026/11/22/10/x.jsonl", 12);
    CaptureLocation k = CaptureLocation.kafka("vigil.capture.ep", 3, 1234);
    assertThat(CaptureLocation.parse(s3.uri())).isEqualTo(s3);
    assertThat(CaptureLocation.parse(k.uri())).isEqualTo(k);
  }
}
