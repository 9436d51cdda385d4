package dev.vigil.demo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.demo.signs.SignGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignNetTrainerTest {

  private static final SignNetTrainer.Plan TINY = new SignNetTrainer.Plan(3, 1, 4, 25, 0.005, 5e-4, 1, 2);

  @Test
  void sameSeedAndThreadsGiveTheSameModel() throws Exception {
    SignNetTrainer trainer = new SignNetTrainer(new SignGenerator(SignNetTrainer.GENERATOR_SEED));
    List<SignNetTrainer.Epoch> epochs = new ArrayList<>();
    byte[] first = trainer.train(TINY, progress(epochs)).model();
    byte[] second = trainer.train(TINY, progress(new ArrayList<>())).model();
    assertThat(second).isEqualTo(first);
    byte[] otherSeed = trainer.train(new SignNetTrainer.Plan(4, 1, 4, 25, 0.005, 5e-4, 1, 2),
        progress(new ArrayList<>())).model();
    assertThat(otherSeed).isNotEqualTo(first);
    assertThat(epochs).hasSize(1);
    assertThat(epochs.get(0).meanLoss()).as("cross-entropy of 25 classes near ln 25 at the start").isBetween(2.0,
        5.0);
  }

  @Test
  void learningRateWarmsUpThenFollowsACosineToZero() {
    SignNetTrainer.Plan plan = new SignNetTrainer.Plan(1, 3, 10, 10, 0.01, 0, 1, 1);
    assertThat(SignNetTrainer.learningRate(plan, 0, 10, 30)).isEqualTo(0.001, org.assertj.core.data.Offset.offset(
        1e-12));
    assertThat(SignNetTrainer.learningRate(plan, 9, 10, 30)).isEqualTo(0.01, org.assertj.core.data.Offset.offset(
        1e-12));
    assertThat(SignNetTrainer.learningRate(plan, 20, 10, 30)).isEqualTo(0.005, org.assertj.core.data.Offset.offset(
        1e-12));
    assertThat(SignNetTrainer.learningRate(plan, 30, 10, 30)).isEqualTo(0, org.assertj.core.data.Offset.offset(
        1e-12));
  }

  @Test
  void trainingDataNeverUsesTheHeldOutSeed() {
    for (int epoch = 1; epoch <= 50; epoch++) {
      for (int chunk = 0; chunk < 100; chunk++) {
        assertThat(SignNetTrainer.datasetSeed(2026, epoch, chunk)).isNotEqualTo(SignNetTrainer.HELD_OUT_DATASET_SEED);
      }
    }
  }

  @Test
  void batchOfOneIsRejectedBecauseBatchStatisticsNeedTwoImages() {
    assertThatThrownBy(() -> new SignNetTrainer.Plan(1, 1, 1, 1, 0.01, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size >= 2");
  }

  private static SignNetTrainer.Progress progress(List<SignNetTrainer.Epoch> epochs) {
    return new SignNetTrainer.Progress() {
      @Override
      public void step(int epoch, int done, int total, double loss) {}

      @Override
      public void epoch(SignNetTrainer.Epoch e) {
        epochs.add(e);
      }
    };
  }
}
