package dev.vigil.monitor.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.classes.Labels;
import dev.vigil.config.DriftMethod;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import dev.vigil.monitor.stats.UnusableReason;
import dev.vigil.monitor.stats.WindowStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChecksTest {
  private static final int K = 43;

  /** {@code n} predictions of {@code cls} with top-1 confidence {@code conf}. */
  private static void add(StatisticsAccumulator a, int cls, int n, double conf) {
    for (int i = 0; i < n; i++) {
      double[] v = new double[K];
      java.util.Arrays.fill(v, (1 - conf) / (K - 1));
      v[cls] = conf;
      a.record();
      a.accept(Prediction.fromVector(v));
    }
  }

  private static WindowStatistics balanced(double conf) {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int c = 0; c < K; c++) {
      add(a, c, 10, conf);
    }
    return a.snapshot(Labels.none());
  }

  @Test
  void overPredictedClassYieldsExactlyOneClassShareViolationWithTheExactShare() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    add(a, 14, 322, 0.9);
    for (int i = 0; i < 78; i++) {
      add(a, i % K == 14 ? 15 : i % K, 1, 0.9);
    }
    WindowStatistics w = a.snapshot(Labels.none());
    List<CheckResult> results = Checks.evaluate(w, null, Constraints.defaults());
    List<Violation> v = Checks.violations(results, w, Constraints.defaults());
    assertThat(v).hasSize(1);
    assertThat(v.get(0).type()).isEqualTo(ViolationType.CLASS_SHARE_EXCEEDED);
    assertThat(v.get(0).classIndex()).isEqualTo(14);
    assertThat(v.get(0).value()).isEqualTo(0.805);
    assertThat(v.get(0).limit()).isEqualTo(0.5);
    assertThat(v.get(0).baselineValue()).isNull();
    assertThat(v.get(0).severity()).isEqualTo(Severity.WARNING);
    assertThat(v.get(0).description()).contains("80.5%").contains("322 of 400");
    assertThat(results).filteredOn(r -> r.type() == ViolationType.CLASS_DISTRIBUTION_DRIFT)
        .extracting(CheckResult::status).containsExactly(CheckStatus.UNAVAILABLE);
  }

  @Test
  void balancedWindowAgainstItsOwnBaselinePassesEveryCheck() {
    WindowStatistics w = balanced(0.9);
    List<CheckResult> results = Checks.evaluate(w, w, Constraints.defaults());
    assertThat(Checks.violations(results, w, Constraints.defaults())).isEmpty();
    assertThat(results).extracting(CheckResult::status).containsOnly(CheckStatus.PASSED);
  }

  @Test
  void fewerRecordsThanMinimumReportsInsufficientDataOnly() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    add(a, 14, 50, 0.1);
    WindowStatistics w = a.snapshot(Labels.none());
    List<Violation> v = Checks.violations(Checks.evaluate(w, null, Constraints.defaults()), w, Constraints.defaults());
    assertThat(v).extracting(Violation::type).containsExactly(ViolationType.INSUFFICIENT_DATA);
    assertThat(v.get(0).value()).isEqualTo(50);
    assertThat(v.get(0).limit()).isEqualTo(100);
  }

  @Test
  void lowAndDroppingConfidenceAreViolatedWithBaselineValues() {
    WindowStatistics base = balanced(0.9);
    WindowStatistics w = balanced(0.4);
    Constraints k = Constraints.defaults();
    List<Violation> v = Checks.violations(Checks.evaluate(w, base, k), w, k);
    assertThat(v).extracting(Violation::type)
        .containsExactly(ViolationType.LOW_CONFIDENCE, ViolationType.CONFIDENCE_DROP);
    assertThat(v.get(0).value()).isEqualTo(1.0);
    assertThat(v.get(0).baselineValue()).isEqualTo(0.0);
    assertThat(v.get(1).value()).isCloseTo(0.5, within(1e-9));
    assertThat(v.get(1).baselineValue()).isCloseTo(0.9, within(1e-9));
    assertThat(v.get(1).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void driftIsJudgedByTheConfiguredMethod() {
    WindowStatistics base = balanced(0.9);
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int c = 0; c < K; c++) {
      add(a, c, c == 3 ? 90 : 8, 0.9);
    }
    WindowStatistics w = a.snapshot(Labels.none());
    for (DriftMethod m : DriftMethod.values()) {
      double limit = m == DriftMethod.CHI_SQUARE ? 0.01 : m == DriftMethod.JENSEN_SHANNON ? 0.02 : 0.1;
      Constraints k = new Constraints(100, 0.5, 0.5, Map.of(), m, limit, 0.3, 0.1, 0.05);
      List<Violation> v = Checks.violations(Checks.evaluate(w, base, k), w, k);
      assertThat(v).as(m.configName()).extracting(Violation::type).containsExactly(ViolationType.CLASS_DISTRIBUTION_DRIFT);
      assertThat(v.get(0).description()).contains("class 3 rose most");
    }
    BaselineComparison cmp = Checks.compare(w, base);
    assertThat(cmp.lInfinity()).isCloseTo(90.0 / 426 - 1.0 / 43, within(1e-12));
    assertThat(cmp.mostIncreased().index()).isEqualTo(3);
  }

  @Test
  void unusableShareAboveLimitViolatesCompleteness() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int c = 0; c < K; c++) {
      add(a, c, 5, 0.9);
    }
    for (int i = 0; i < 20; i++) {
      a.record();
      a.unusable(UnusableReason.TRUNCATED_OBJECT);
    }
    WindowStatistics w = a.snapshot(Labels.none());
    List<Violation> v = Checks.violations(Checks.evaluate(w, null, Constraints.defaults()), w, Constraints.defaults());
    assertThat(v).extracting(Violation::type).containsExactly(ViolationType.COMPLETENESS);
    assertThat(v.get(0).value()).isCloseTo(20.0 / 235, within(1e-12));
  }

  @Test
  void unreadableOutputsLeadTheReportWithReasonsAndAnExampleEvenWhenTooFewWereRead() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int i = 0; i < 400; i++) {
      a.record();
      a.unusable(UnusableReason.UNPARSEABLE_OUTPUT);
      a.unreadable(i % 4 == 0 ? "not JSON or CSV numbers" : "label not in the labels file",
          "detail " + i, String.format("evt-%03d", i), "application/json: {\"tabby\":0.4}");
    }
    WindowStatistics w = a.snapshot(Labels.none());
    List<Violation> v = Checks.violations(Checks.evaluate(w, null, Constraints.defaults()), w, Constraints.defaults());
    assertThat(v).extracting(Violation::type)
        .containsExactly(ViolationType.UNPARSEABLE_OUTPUTS, ViolationType.INSUFFICIENT_DATA);
    assertThat(v.get(0).value()).isEqualTo(1.0);
    assertThat(v.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(v.get(0).description())
        .contains("400 of 400 records (100.0%)", "label not in the labels file (300); not JSON or CSV numbers (100)",
            "e.g. event evt-001: detail 1", "{\"tabby\":0.4}");
    assertThat(v.get(1).description()).contains("see unparseable_outputs");
    assertThat(w.unreadableOutputs()).extracting(u -> u.exampleEventId()).containsExactly("evt-001", "evt-000");
  }

  @Test
  void unreadableOutputsAreNotCountedTwiceAsIncomplete() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int c = 0; c < K; c++) {
      add(a, c, 5, 0.9);
    }
    for (int i = 0; i < 20; i++) {
      a.record();
      a.unusable(UnusableReason.UNPARSEABLE_OUTPUT);
      a.unreadable("no predictions recognised", "d", "e" + i, "{}");
    }
    WindowStatistics w = a.snapshot(Labels.none());
    List<Violation> v = Checks.violations(Checks.evaluate(w, null, Constraints.defaults()), w, Constraints.defaults());
    assertThat(v).extracting(Violation::type).containsExactly(ViolationType.UNPARSEABLE_OUTPUTS);
  }

  @Test
  void classIndexWindowReportsConfidenceChecksUnavailableNotPassed() {
    StatisticsAccumulator a = new StatisticsAccumulator(0.5);
    for (int i = 0; i < 200; i++) {
      a.record();
      a.accept(Prediction.classOnly(i % 10));
    }
    WindowStatistics w = a.snapshot(Labels.none());
    List<CheckResult> results = Checks.evaluate(w, null, Constraints.defaults());
    assertThat(results).filteredOn(r -> r.type() == ViolationType.LOW_CONFIDENCE || r.type() == ViolationType.CONFIDENCE_DROP)
        .extracting(CheckResult::status).containsOnly(CheckStatus.UNAVAILABLE);
  }
}
