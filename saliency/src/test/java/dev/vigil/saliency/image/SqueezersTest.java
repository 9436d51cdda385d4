package dev.vigil.saliency.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The squeezers on hand-computed pixels. */
class SqueezersTest {
  @Test
  void bitDepthKeepsTheNearestOfTwoToTheBitsLevels() {
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x000000);
    img.setRGB(1, 0, 0x7f8081); // 127, 128, 129
    img.setRGB(2, 0, 0xffffff);
    BufferedImage out = Squeezers.bitDepth(new DecodedImage("t", img), 1).image();
    assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0x000000);
    // 1 bit: 127/255 rounds to 0, 128/255 and 129/255 to 1
    assertThat(out.getRGB(1, 0) & 0xffffff).isEqualTo(0x00ffff);
    assertThat(out.getRGB(2, 0) & 0xffffff).isEqualTo(0xffffff);
    // 5 bits: 31 levels; 128 -> round(128/255*31)=16 -> 16/31*255 = 131.6 -> 132
    assertThat((Squeezers.bitDepth(new DecodedImage("t", img), 5).image().getRGB(1, 0) >> 8) & 0xff).isEqualTo(132);
  }

  @Test
  void medianTakesTheThirdSmallestOfTheUpperLeftTwoByTwoWindow() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 10);
    img.setRGB(1, 0, 20);
    img.setRGB(0, 1, 30);
    img.setRGB(1, 1, 40);
    BufferedImage out = Squeezers.median2x2(new DecodedImage("t", img)).image();
    // (1,1): window {10, 20, 30, 40} -> 30; (0,0): reflected {10, 10, 10, 10} -> 10;
    // (1,0): {10, 20, 10, 20} -> 20; (0,1): {10, 10, 30, 30} -> 30 (blue channel carries the values)
    assertThat(out.getRGB(1, 1) & 0xff).isEqualTo(30);
    assertThat(out.getRGB(0, 0) & 0xff).isEqualTo(10);
    assertThat(out.getRGB(1, 0) & 0xff).isEqualTo(20);
    assertThat(out.getRGB(0, 1) & 0xff).isEqualTo(30);
  }

  @Test
  void scoreIsTheLargestL1DistanceOfTheSqueezedSoftMax() {
    float[] p = {0.7f, 0.2f, 0.1f};
    assertThat(Squeezers.score(p, new float[] {0.7f, 0.2f, 0.1f}, new float[] {0.1f, 0.2f, 0.7f}))
        .isCloseTo(1.2, org.assertj.core.api.Assertions.within(1e-6));
  }
}
