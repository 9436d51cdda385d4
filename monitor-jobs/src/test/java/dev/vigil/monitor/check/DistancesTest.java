package dev.vigil.monitor.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistancesTest {
  @Test
  void chiSquareSurvivalMatchesTables() {
    // Critical values from the chi-square table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    assertThat(Gamma.chiSquareSurvival(3.841, 1)).isCloseTo(0.05, within(1e-4));
    assertThat(Gamma.chiSquareSurvival(18.307, 10)).isCloseTo(0.05, within(1e-4));
    assertThat(Gamma.chiSquareSurvival(23.209, 10)).isCloseTo(0.01, within(1e-4));
    assertThat(Gamma.chiSquareSurvival(58.124, 42)).isCloseTo(0.05, within(1e-3));
    assertThat(Gamma.chiSquareSurvival(0, 5)).isEqualTo(1.0);
    assertThat(Gamma.lnGamma(5)).isCloseTo(Math.log(24), within(1e-10));
  }

  @Test
  void jensenShannonIsZeroForEqualAndOneForDisjointDistributions() {
    assertThat(Distances.jensenShannon(new double[] {0.5, 0.5}, new double[] {0.5, 0.5})).isCloseTo(0, within(1e-15));
    assertThat(Distances.jensenShannon(new double[] {1, 0}, new double[] {0, 1})).isCloseTo(1, within(1e-15));
  }

  @Test
  void lInfinityIsTheLargestShareDifference() {
    assertThat(Distances.lInfinity(new double[] {0.8, 0.1, 0.1}, new double[] {0.4, 0.3, 0.3}))
        .isCloseTo(0.4, within(1e-15));
  }

  @Test
  void psiAndChiSquareStayFiniteWithEmptyBins() {
    long[] window = {80, 20, 0};
    long[] baseline = {50, 0, 50};
    double psi = Distances.psi(window, baseline);
    double[] chi = Distances.chiSquare(window, baseline);
    assertThat(psi).isFinite().isPositive();
    assertThat(chi[0]).isFinite().isPositive();
    assertThat(chi[1]).isEqualTo(2);
    assertThat(chi[2]).isLessThan(1e-6);
    // Hand-computed with alpha = 0.5: p = (80.5, 20.5, 0.5)/101.5, q = (50.5, 0.5, 50.5)/101.5
    double[] p = {80.5 / 101.5, 20.5 / 101.5, 0.5 / 101.5};
    double[] q = {50.5 / 101.5, 0.5 / 101.5, 50.5 / 101.5};
    double expected = 0;
    for (int c = 0; c < 3; c++) {
      expected += (p[c] - q[c]) * Math.log(p[c] / q[c]);
    }
    assertThat(psi).isCloseTo(expected, within(1e-12));
  }

  @Test
  void identicalCountsGiveNoDrift() {
    long[] c = {100, 200, 300};
    assertThat(Distances.psi(c, c)).isCloseTo(0, within(1e-15));
    assertThat(Distances.chiSquare(c, c)[2]).isGreaterThan(0.99);
  }
}
