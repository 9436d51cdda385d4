package dev.vigil.demo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
  @Test
  void halvingUsesTheWidenedTriangleFilter() {
    // 2x shrink: taps at distance 0.75, 0.25, 0.25, 0.75 of a support of 2 -> 1:3:3:1 / 8
    float[] row = {0, 8, 16, 24, 32, 40, 48, 56};
    float[] out = ImagePreprocessor.resize(row, 8, 1, 4, 1);
    assertThat(out[1]).isCloseTo((8 * 1 + 16 * 3 + 24 * 3 + 32 * 1) / 8f, within(1e-4f));
    // the edge renormalises over the taps that exist: 0, 8, 16 with weights 3, 3, 1
    assertThat(out[0]).isCloseTo((0 * 3 + 8 * 3 + 16 * 1) / 7f, within(1e-4f));
  }

  @Test
  void enlargingInterpolatesLinearly() {
    float[] row = {0, 100};
    float[] out = ImagePreprocessor.resize(row, 2, 1, 4, 1);
    // output centres at 0.25, 0.75, 1.25, 1.75 in input pixels: clamp, 25, 75, clamp
    assertThat(out).containsExactly(new float[] {0, 25, 75, 100}, within(1e-4f));
  }

  @Test
  void greyImagesUseTheirSamplesAsIsAndAlphaIsDropped() throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 51);
    grey.getRaster().setSample(1, 0, 0, 204);
    ImagePreprocessor p =
        new ImagePreprocessor(3, 1, 2, 255f, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    float[] t = p.toTensor(grey);
    assertThat(t).containsExactly(new float[] {0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f}, within(1e-6f));

    BufferedImage translucent = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    translucent.setRGB(0, 0, 0x10FF8000);
    ImagePreprocessor one =
        new ImagePreprocessor(3, 1, 1, 255f, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    assertThat(one.toTensor(translucent))
        .containsExactly(new float[] {1f, 128 / 255f, 0f}, within(1e-6f));
  }
}
