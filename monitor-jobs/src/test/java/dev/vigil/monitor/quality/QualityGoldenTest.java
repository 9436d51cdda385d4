package dev.vigil.monitor.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.classes.Labels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Isotonic calibration, classification metrics and the CBPE estimate against goldens computed
 * independently from their definitions in float64 ({@code monitor-jobs/scripts/quality_golden.py}:
 * the max-min formula of isotonic regression rather than PAV, numpy.interp for prediction).
 */
class QualityGoldenTest {
  private static final double EPS = 1e-12;
  private final JsonNode golden;

  QualityGoldenTest() throws Exception {
    golden = new ObjectMapper().readTree(Path.of("src/test/resources/golden/quality.json").toFile());
  }

  @Test
  void isotonicFitAndPredictionsMatchTheMaxMinDefinition() {
    assertThat(golden.get("isotonic").size()).isEqualTo(4);
    for (JsonNode c : golden.get("isotonic")) {
      Calibration cal = Calibration.fit(doubles(c.get("x")), doubles(c.get("y")), doubles(c.get("w")), 0);
      double[] fx = doubles(c.get("fitX"));
      double[] fy = doubles(c.get("fitY"));
      assertThat(cal.x()).hasSize(fx.length);
      for (int i = 0; i < fx.length; i++) {
        assertThat(cal.x().get(i)).isEqualTo(fx[i]);
        assertThat(cal.y().get(i)).isCloseTo(fy[i], within(EPS));
      }
      double[] q = doubles(c.get("query"));
      double[] p = doubles(c.get("predicted"));
      for (int i = 0; i < q.length; i++) {
        assertThat(cal.apply(q[i])).as("prediction at %s", q[i]).isCloseTo(p[i], within(EPS));
      }
    }
  }

  @Test
  void metricsMatchTheirDefinitions() {
    for (JsonNode c : golden.get("metrics")) {
      int k = c.get("k").asInt();
      long[][] m = new long[k][k];
      JsonNode truth = c.get("truth");
      JsonNode pred = c.get("predicted");
      for (int i = 0; i < truth.size(); i++) {
        m[truth.get(i).asInt()][pred.get(i).asInt()]++;
      }
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          assertThat(m[i][j]).isEqualTo(c.get("confusion").get(i).get(j).asLong());
        }
      }
      QualityMetrics q = QualityMetrics.of(m, Labels.none());
      assertThat(q.accuracy()).isCloseTo(c.get("accuracy").asDouble(), within(EPS));
      assertThat(q.macroF1()).isCloseTo(c.get("macroF1").asDouble(), within(EPS));
      assertThat(q.classes()).hasSize(c.get("classes").size());
      for (int i = 0; i < q.classes().size(); i++) {
        ClassQuality got = q.classes().get(i);
        JsonNode want = c.get("classes").get(i);
        assertThat(got.index()).isEqualTo(want.get("index").asInt());
        assertThat(got.support()).isEqualTo(want.get("support").asLong());
        assertThat(got.predicted()).isEqualTo(want.get("predicted").asLong());
        assertNullableClose(got.precision(), want.get("precision"));
        assertNullableClose(got.recall(), want.get("recall"));
        assertThat(got.f1()).isCloseTo(want.get("f1").asDouble(), within(EPS));
      }
    }
    // The goldens must exercise undefined precision and recall, or the null paths go untested.
    assertThat(golden.get("metrics").findValues("precision")).anyMatch(JsonNode::isNull);
    assertThat(golden.get("metrics").findValues("recall")).anyMatch(JsonNode::isNull);
  }

  @Test
  void cbpeEstimateIsTheMeanCalibratedConfidence() {
    JsonNode c = golden.get("cbpe");
    double[] conf = doubles(c.get("referenceConfidence"));
    double[] ones = new double[conf.length];
    java.util.Arrays.fill(ones, 1);
    Calibration cal = Calibration.fit(conf, doubles(c.get("referenceCorrect")), ones, conf.length);
    double sum = 0;
    double[] analysis = doubles(c.get("analysisConfidence"));
    for (double a : analysis) {
      sum += cal.apply(a);
    }
    assertThat(sum / analysis.length).isCloseTo(c.get("estimatedAccuracy").asDouble(), within(EPS));
  }

  private static void assertNullableClose(Double got, JsonNode want) {
    if (want.isNull()) {
      assertThat(got).isNull();
    } else {
      assertThat(got).isCloseTo(want.asDouble(), within(EPS));
    }
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
