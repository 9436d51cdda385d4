package dev.vigil.demo.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.demo.model.DemoModel;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.saliency.SaliencyOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PGD attack on the committed demo model, over generated signs it has never seen. */
class StopSignAttackTest {
  private static final int STOP = SignClass.STOP.index();

  @Test
  void turnsAtLeastEightyPercentOfSignsIntoStopWithinEightLevels(@TempDir Path dir) throws Exception {
    Path model = DemoModel.writeTo(dir.resolve("traffic-signs.onnx"));
    List<BufferedImage> signs = new SignGenerator(7).dataset(2, 11).stream()
        .filter(s -> s.label() != STOP).limit(45).map(SignSample::image).toList();

    StopSignAttack.Run run;
    try (StopSignAttack attack = StopSignAttack.open(model, new SaliencyOptions("cpu", 2, 16), STOP,
        StopSignAttack.Settings.DEFAULTS)) {
      run = attack.attack(signs, done -> {});
    }

    assertThat(run.images()).hasSize(45);
    assertThat(run.successRate()).as("share of signs read as Stop").isGreaterThanOrEqualTo(0.8);
    for (int i = 0; i < signs.size(); i++) {
      StopSignAttack.Adversarial a = run.images().get(i);
      assertThat(a.clean()).isSameAs(signs.get(i));
      // Measured here from the 8-bit pixels, independently of the attack's own bookkeeping.
      int linf = linf(signs.get(i), a.image());
      assertThat(linf).as("L-inf of image %d in 1/255 levels", i).isLessThanOrEqualTo(8).isEqualTo(a.linf());
      if (a.predictedClass() == STOP) {
        assertThat(linf).isPositive();
      }
    }
    assertThat(run.maxLinf()).isLessThanOrEqualTo(StopSignAttack.MAX_EPSILON);
  }

  @Test
  void settingsRefuseABudgetAboveEightLevels() {
    assertThatThrownBy(() -> new StopSignAttack.Settings(9, 1, 10, 0.5, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epsilon must be 1..8");
    assertThatThrownBy(() -> new StopSignAttack.Settings(4, 5, 10, 0.5, 8))
        .hasMessageContaining("step must be 1..epsilon");
  }

  private static int linf(BufferedImage a, BufferedImage b) {
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
        }
      }
    }
    return max;
  }
}
