package dev.vigil.capture.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplerTest {
  /** |observed - n p| must stay within 4 standard deviations of the binomial. */
  private static void assertWithinFourSigma(int hits, int n, double p) {
    double sigma = Math.sqrt(n * p * (1 - p));
    assertThat(Math.abs(hits - n * p)).isLessThanOrEqualTo(4 * sigma);
  }

  @Test
  void randomSamplingAtTenPercentLandsWithinFourSigmaOver20000Requests() {
    Sampler s = new Sampler(10);
    int hits = 0;
    for (int i = 0; i < 20_000; i++) {
      if (s.sample(null)) {
        hits++;
      }
    }
    assertWithinFourSigma(hits, 20_000, 0.10);
  }

  @Test
  void hashedSamplingAtTenPercentLandsWithinFourSigmaForSequentialIds() {
    Sampler s = new Sampler(10);
    int hits = 0;
    for (int i = 0; i < 20_000; i++) {
      if (s.sample("req-" + i)) {
        hits++;
      }
    }
    assertWithinFourSigma(hits, 20_000, 0.10);
  }

  @Test
  void fractionalPercentIsHonoured() {
    Sampler s = new Sampler(2.5);
    int hits = 0;
    for (int i = 0; i < 20_000; i++) {
      if (s.sample(java.util.UUID.randomUUID().toString())) {
        hits++;
      }
    }
    assertWithinFourSigma(hits, 20_000, 0.025);
  }

  @Test
  void sameRequestIdAlwaysGetsTheSameDecisionAcrossInstances() {
    Sampler a = new Sampler(30);
    Sampler b = new Sampler(30);
    for (int i = 0; i < 2_000; i++) {
      String id = "order-" + i;
      boolean first = a.sample(id);
      for (int k = 0; k < 3; k++) {
        assertThat(a.sample(id)).isEqualTo(first);
      }
      assertThat(b.sample(id)).isEqualTo(first);
    }
  }

  @Test
  void zeroNeverAndHundredAlwaysSample() {
    Sampler never = new Sampler(0);
    Sampler always = new Sampler(100);
    for (int i = 0; i < 1000; i++) {
      assertThat(never.sample("x" + i)).isFalse();
      assertThat(always.sample(null)).isTrue();
    }
  }

  @Test
  void rejectsPercentOutsideRange() {
    assertThatThrownBy(() -> new Sampler(100.5)).hasMessageContaining("0..100");
    assertThatThrownBy(() -> new Sampler(Double.NaN)).hasMessageContaining("0..100");
  }
}
