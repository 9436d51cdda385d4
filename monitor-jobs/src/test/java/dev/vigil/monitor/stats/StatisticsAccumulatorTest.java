package dev.vigil.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.output.Prediction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatisticsAccumulatorTest {

  private static Prediction p(double... v) {
    return Prediction.fromVector(v);
  }

  @Test
  void countsSharesConfidenceMarginAndEntropy() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    a.record();
    a.accept(p(0.7, 0.2, 0.1));
    a.record();
    a.accept(p(0.1, 0.4, 0.3, 0.2));
    a.record();
    a.accept(p(0.9, 0.1));
    a.record();
    a.unusable(UnusableReason.CORRUPT_LINE);
    WindowStatistics s = a.snapshot(Labels.of(List.of("a", "b", "c", "d", "e")));
    assertThat(s.count()).isEqualTo(3);
    assertThat(s.records()).isEqualTo(4);
    assertThat(s.classes()).hasSize(5);
    assertThat(s.classes().get(0).count()).isEqualTo(2);
    assertThat(s.classes().get(0).share()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(s.classes().get(1).label()).isEqualTo("b");
    assertThat(s.classes().get(4).count()).isZero();
    ConfidenceStatistics c = s.confidence();
    assertThat(c.mean()).isCloseTo((0.7 + 0.4 + 0.9) / 3, within(1e-9));
    assertThat(c.shareTop1Below()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(c.shareTop3AllBelow()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(c.meanMargin()).isCloseTo((0.5 + 0.1 + 0.8) / 3, within(1e-9));
    double h1 = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1));
    double h2 = -(0.1 * Math.log(0.1) + 0.4 * Math.log(0.4) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2));
    double h3 = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
    assertThat(c.meanEntropy()).isCloseTo((h1 + h2 + h3) / 3, within(1e-8));
    assertThat(c.quantiles().get("p50")).isCloseTo(0.7, within(1e-4));
    assertThat(s.unusable()).containsEntry("corrupt_line", 1L);
    assertThat(s.completeness()).isEqualTo(0.75);
    assertThat(c.histogram().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
  }

  @Test
  void quantilesAreWithinOneBinOfTheExactNearestRank() {
    Random rnd = new Random(7);
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    List<Double> top1 = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      double x = 0.5 + 0.5 * rnd.nextDouble();
      top1.add(x);
      a.accept(p(x, 1 - x));
    }
    Collections.sort(top1);
    WindowStatistics s = a.snapshot(Labels.none());
    for (double q : new double[] {0.05, 0.5, 0.95}) {
      double exact = top1.get((int) Math.ceil(q * top1.size()) - 1);
      String name = String.format("p%02d", (int) Math.round(q * 100));
      assertThat(s.confidence().quantiles().get(name)).isCloseTo(exact, within(1.0 / StatisticsAccumulator.QUANTILE_BINS));
    }
  }

  @Test
  void resultDoesNotDependOnOrderOrOnSplittingAcrossAccumulators() {
    Random rnd = new Random(11);
    List<Prediction> ps = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double[] v = new double[43];
      double sum = 0;
      for (int c = 0; c < 43; c++) {
        v[c] = rnd.nextDouble();
        sum += v[c];
      }
      for (int c = 0; c < 43; c++) {
        v[c] /= sum;
      }
      ps.add(Prediction.fromVector(v));
    }
    StatisticsAccumulator forward = new StatisticsAccumulator(0.5);
    ps.forEach(forward::accept);
    List<Prediction> shuffled = new ArrayList<>(ps);
    Collections.shuffle(shuffled, new Random(3));
    StatisticsAccumulator left = new StatisticsAccumulator(0.5);
    StatisticsAccumulator right = new StatisticsAccumulator(0.5);
    for (int i = 0; i < shuffled.size(); i++) {
      (i % 3 == 0 ? left : right).accept(shuffled.get(i));
    }
    right.merge(left);
    assertThat(right.snapshot(Labels.none())).isEqualTo(forward.snapshot(Labels.none()));
  }

  @Test
  void classIndexPredictionsCountClassesButLeaveConfidenceUnavailable() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    a.accept(Prediction.classOnly(3));
    a.accept(Prediction.classOnly(3));
    a.accept(Prediction.classOnly(1));
    WindowStatistics s = a.snapshot(Labels.none());
    assertThat(s.classes()).hasSize(4);
    assertThat(s.classes().get(3).share()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(s.confidence().available()).isFalse();
    assertThat(s.confidence().mean()).isNull();
    assertThat(s.confidence().shareTop1Below()).isNull();
  }
}
