package dev.vigil.monitor.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void violatorsArePooledIntoTheirWeightedMean() {
    // y = 1, 0 at x = 0.6, 0.7 violate the order: both become (2*1 + 1*0) / 3.
    Calibration c = Calibration.fit(new double[] {0.5, 0.6, 0.7, 0.9}, new double[] {0, 1, 0, 1},
        new double[] {1, 2, 1, 1}, 5);
    assertThat(c.y()).containsExactly(0.0, 2 / 3.0, 2 / 3.0, 1.0);
    assertThat(c.apply(0.1)).isEqualTo(0.0); // clipped below
    assertThat(c.apply(0.55)).isCloseTo(1 / 3.0, org.assertj.core.api.Assertions.within(1e-15)); // interpolated
    assertThat(c.apply(0.99)).isEqualTo(1.0); // clipped above
  }

  @Test
  void tiedConfidencesArePooledFirst() {
    Calibration c = Calibration.fit(new double[] {0.8, 0.8, 0.8, 0.9}, new double[] {1, 0, 1, 1},
        new double[] {1, 1, 1, 1}, 4);
    assertThat(c.x()).containsExactly(0.8, 0.9);
    assertThat(c.y()).containsExactly(2 / 3.0, 1.0);
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(() -> Calibration.fit(new double[0], new double[0], new double[0], 0))
        .hasMessageContaining("non-empty");
    assertThatThrownBy(() -> Calibration.fit(new double[] {0.5}, new double[] {1}, new double[] {0}, 0))
        .hasMessageContaining("weights must be positive");
    assertThatThrownBy(() -> new Calibration(List.of(0.1), List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
