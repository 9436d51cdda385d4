package dev.vigil.monitor.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MMD^2, its bandwidth and permutation p-value, KS, BBSD and PCA against float64 figures from torch,
 * numpy and scipy ({@code monitor-jobs/scripts/make_signals_golden.py}, committed output
 * {@code golden/signals.json}).
 */
class SignalStatisticsGoldenTest {
  private static JsonNode golden;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = SignalStatisticsGoldenTest.class.getResourceAsStream("/golden/signals.json")) {
      golden = new ObjectMapper().readTree(in);
    }
  }

  @Test
  void medianBandwidthAndUnbiasedMmdMatchTorch() {
    float[][] x = rows(golden.get("x"));
    float[][] y = rows(golden.get("y"));
    double sigma = Mmd.medianBandwidth(x, y);
    assertThat(sigma).isCloseTo(golden.get("sigma").asDouble(), within(1e-9));
    assertThat(Mmd.mmd2(x, y, sigma)).isCloseTo(golden.get("mmd2").asDouble(), within(1e-12));
    Mmd.Result r = Mmd.test(x, y, 200, 1);
    assertThat(r.mmd2()).isCloseTo(golden.get("mmd2").asDouble(), within(1e-12));
    assertThat(r.sigma()).isCloseTo(sigma, within(1e-12));
  }

  @Test
  void permutationPValueApproachesTheExactOneOverEverySplit() {
    float[][] x = rows(golden.get("tinyX"));
    float[][] y = rows(golden.get("tinyY"));
    Mmd.Result r = Mmd.test(x, y, 20_000, 3);
    assertThat(r.mmd2()).isCloseTo(golden.get("tinyMmd2").asDouble(), within(1e-12));
    // 20 000 permutations: standard error ~0.0012 around the exact p of the 70 splits.
    assertThat(r.pValue()).isCloseTo(golden.get("tinyExactP").asDouble(), within(0.006));
  }

  @Test
  void ksPerColumnAndBonferroniMatchScipy() {
    float[][] px = rows(golden.get("softmaxX"));
    float[][] py = rows(golden.get("softmaxY"));
    for (int c = 0; c < 3; c++) {
      KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(column(px, c), column(py, c));
      assertThat(r.d()).as("D of column %d", c).isCloseTo(golden.get("ksD").get(c).asDouble(), within(1e-12));
      assertThat(r.pValue()).as("p of column %d", c).isCloseTo(golden.get("ksP").get(c).asDouble(), within(1e-10));
    }
    assertThat(Bbsd.test(px, py).pValue()).isCloseTo(golden.get("bbsdP").asDouble(), within(1e-10));
  }

  @Test
  void firstTwoPrincipalComponentsMatchNumpy() {
    float[][] x = rows(golden.get("x"));
    float[][] y = rows(golden.get("y"));
    Pca.Fit fit = Pca.fit(x, y);
    for (int c = 0; c < 2; c++) {
      assertThat(fit.variances()[c]).isCloseTo(golden.get("pcaVariances").get(c).asDouble(), within(1e-8));
      for (int j = 0; j < 8; j++) {
        assertThat(fit.components()[c][j]).as("component %d[%d]", c, j)
            .isCloseTo(golden.get("pcaComponents").get(c).get(j).asDouble(), within(1e-6));
      }
    }
    assertThat(fit.totalVariance()).isCloseTo(golden.get("pcaTotalVariance").asDouble(), within(1e-9));
    float[][] px = fit.project(x);
    float[][] py = fit.project(y);
    for (int i = 0; i < x.length; i++) {
      assertThat(px[i][0]).isCloseTo((float) golden.get("pcaProjectionX").get(i).get(0).asDouble(), within(1e-4f));
      assertThat(px[i][1]).isCloseTo((float) golden.get("pcaProjectionX").get(i).get(1).asDouble(), within(1e-4f));
    }
    assertThat(py[0][0]).isCloseTo((float) golden.get("pcaProjectionY").get(0).get(0).asDouble(), within(1e-4f));
  }

  static float[][] rows(JsonNode n) {
    float[][] out = new float[n.size()][];
    for (int i = 0; i < n.size(); i++) {
      out[i] = new float[n.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) n.get(i).get(j).asDouble();
      }
    }
    return out;
  }

  private static double[] column(float[][] rows, int c) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][c];
    }
    return out;
  }
}
