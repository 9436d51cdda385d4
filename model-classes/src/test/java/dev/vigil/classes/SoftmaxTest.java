package dev.vigil.classes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoftmaxTest {
  @Test
  void matchesTheDefinition() {
    double[] z = {1, 2, 3};
    Softmax.inPlace(z);
    double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(z).containsExactly(new double[] {Math.exp(1) / e, Math.exp(2) / e, Math.exp(3) / e},
        within(1e-15));
  }

  @Test
  void isStableForLogitsWhoseExpOverflows() {
    double[] z = {1000, 1001, -1000};
    Softmax.inPlace(z);
    assertThat(z[0] + z[1] + z[2]).isCloseTo(1.0, within(1e-12));
    assertThat(z[1]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-12));
    assertThat(z[2]).isZero();
    float[] p = Softmax.of(new float[] {88.8f, 100f});
    assertThat(p[0] + p[1]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void aRowOfABatchIsSoftmaxedAlone() {
    float[] batch = {9, 9, 0, 1, 0, 1};
    double[] row = Softmax.of(batch, 2, 2);
    assertThat(row).containsExactly(new double[] {1 / (1 + Math.E), Math.E / (1 + Math.E)}, within(1e-15));
    assertThat(Softmax.of(new float[] {0, 1})).containsExactly((float) row[0], (float) row[1]);
  }
}
