package dev.vigil.demo.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SignalsConfig;
import dev.vigil.demo.model.DemoModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence on the committed demo model, at reduced sizes (bench/signals runs the
 * demo's): PGD images are screened as adversarial and clean ones are not, a natural shift moves
 * the embeddings without looking adversarial, and clean windows rarely raise input_drift.
 */
class SignalsEvidenceTest {
  @Test
  void screensPgdImagesFlagsNaturalShiftAndStaysQuietOnCleanWindows(@TempDir Path dir) throws Exception {
    Path model = DemoModel.writeTo(dir.resolve("traffic-signs.onnx"));
    SignalsConfig config = SignalsConfig.defaults();
    SignalsEvidence.Figures f = SignalsEvidence.run(model,
        new SignalsEvidence.Sizes(200, 30, 40, 200, 10, 60), 7, config, System.out::println);
    System.out.println(f.line());

    // The goal: >= 90% of the PGD images (all of them, and those the model reads as Stop).
    assertThat(f.pgdScreened()).as("PGD images screened as adversarial").isGreaterThanOrEqualTo(0.9);
    assertThat(f.pgdSuccessfulScreened()).as("successful PGD images screened as adversarial").isGreaterThanOrEqualTo(0.9);
    // The threshold lets 5% of the baseline through, so ~5% of clean signs is the expected share, not a bound
    // (bench/signals/squeezers.sh: 7.1% over seeds 7-11, 95% t-interval 4.4-9.8%); 40 signs: at most 4.
    assertThat(f.cleanScreened()).as("clean signs screened as adversarial").isLessThanOrEqualTo(0.1);
    assertThat(f.attackDrift().mmdP()).as("attack window: MMD p-value").isLessThan(config.driftPValue());
    assertThat(f.shiftDrift().mmdP()).as("natural shift: MMD p-value").isLessThan(config.driftPValue());
    assertThat(f.shiftDrift().bbsdP()).as("natural shift: BBSD p-value").isLessThan(config.driftPValue());
    // The goal for corrupted signs is <= 10%; no squeezer set of Xu et al. meets it at the 5% rate
    // (bench/signals/squeezers.sh: 23-45% over seeds 7-11; bench/README.md), so only "far fewer than PGD
    // images" is held here.
    assertThat(f.shiftScreened()).as("natural shift screened as adversarial").isLessThan(f.pgdScreened() / 2);
    // 10 clean windows at a 5% level: 0.5 false alarms expected; 3 or more has probability ~1% (binomial).
    assertThat(f.cleanFalseAlarmsMmd()).as("clean windows with MMD p < limit").isLessThanOrEqualTo(2);
  }
}
