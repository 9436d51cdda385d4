package dev.vigil.saliency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageTensorTest {

  @Test
  void rejectsDataOfTheWrongLength() {
    assertThatThrownBy(() -> new ImageTensor(new float[11], 1, 3, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("image tensor 1 x 3 x 2 x 2 needs 12 values but has 11");
    assertThatThrownBy(() -> new ImageTensor(new float[0], 0, 3, 2, 2))
        .hasMessage("image tensor dimensions must be positive, got N x C x H x W = 0 x 3 x 2 x 2");
  }

  @Test
  void slicesImagesOfABatch() {
    ImageTensor t = new ImageTensor(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 1, 2);
    assertThat(t.slice(1, 3)).isEqualTo(new ImageTensor(new float[] {3, 4, 5, 6}, 2, 1, 1, 2));
    assertThatThrownBy(() -> t.slice(2, 4)).hasMessage("bad image range [2, 4) of a batch of 3");
  }

  @Test
  void optionsNameTheBadKey() {
    assertThatThrownBy(() -> SaliencyOptions.DEFAULTS.withDevice("tpu"))
        .hasMessage("saliency.device must be cpu or cuda, got 'tpu'");
    assertThatThrownBy(() -> SaliencyOptions.DEFAULTS.withBatchSize(0))
        .hasMessage("saliency.batchSize must be at least 1, got 0");
    assertThatThrownBy(() -> SaliencyOptions.DEFAULTS.withIntraOpThreads(0))
        .hasMessage("saliency.intraOpThreads must be at least 1, got 0");
  }

  @Test
  void resultsCheckTheirDimensionsAndGiveProbabilities() {
    Provenance p = new Provenance("ab", 17, "FullGrad", "cpu", "", 1, java.time.Instant.EPOCH,
        java.time.Duration.ZERO, new int[] {0}, false, "cd");
    SaliencyResult r = new SaliencyResult(new float[] {0, (float) Math.log(3)}, 2, new int[] {1}, new float[4], 1,
        2, 2, p);
    assertThat(r.probabilities(0)).containsExactly(new float[] {0.25f, 0.75f},
        org.assertj.core.data.Offset.offset(1e-6f));
    assertThatThrownBy(() -> new SaliencyResult(new float[2], 2, new int[] {1}, new float[3], 1, 2, 2, p))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
