package dev.vigil.saliency.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.ChannelOrder;
import dev.vigil.config.PreprocessingConfig;
import dev.vigil.config.ResizeMode;
import dev.vigil.saliency.ImageTensor;
import java.awt.image.BufferedImage;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  private static final Offset<Float> EPS = within(1e-5f);

  /** Raw 0..255 values out: scale 1, mean 0, std 1. */
  private static Preprocessing identity(int w, int h, ResizeMode mode) {
    return new Preprocessing(w, h, mode, ChannelOrder.RGB, 1.0, List.of(0.0), List.of(1.0));
  }

  private static DecodedImage image(int w, int h, int... rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, w, h, rgb, 0, w);
    return new DecodedImage("test.png", img);
  }

  private static DecodedImage grayRamp(int w, int h, int step) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = Math.min(255, x * step);
        px[y * w + x] = (v << 16) | (v << 8) | v;
      }
    }
    return image(w, h, px);
  }

  @Test
  void imagenetNormalisationGivesKnownValues() {
    DecodedImage img = image(2, 2, 0xFF0000, 0x00FF00, 0x0000FF, 0x804020);
    ImageTensor t = new Preprocessor(Preprocessing.imagenet(2, 2)).batch(List.of(img));
    assertThat(t.shape()).containsExactly(1, 3, 2, 2);
    float[] d = t.data();
    // R plane: (v/255 - 0.485) / 0.229
    assertThat(d[0]).isCloseTo(2.2489083f, EPS);
    assertThat(d[1]).isCloseTo(-2.1179039f, EPS);
    assertThat(d[2]).isCloseTo(-2.1179039f, EPS);
    assertThat(d[3]).isCloseTo(0.0740645f, EPS); // 128/255
    // G plane: (v/255 - 0.456) / 0.224
    assertThat(d[4]).isCloseTo(-2.0357143f, EPS);
    assertThat(d[5]).isCloseTo(2.4285714f, EPS);
    assertThat(d[7]).isCloseTo(-0.9152661f, EPS); // 64/255
    // B plane: (v/255 - 0.406) / 0.225
    assertThat(d[8]).isCloseTo(-1.8044444f, EPS);
    assertThat(d[10]).isCloseTo(2.64f, EPS);
    assertThat(d[11]).isCloseTo(-1.2467102f, EPS); // 32/255
  }

  @Test
  void bgrPutsBlueFirstAndAppliesMeanStdInTensorOrder() {
    DecodedImage img = image(1, 1, 0x102030); // R=16 G=32 B=48
    Preprocessing bgr =
        new Preprocessing(
            1, 1, ResizeMode.STRETCH, ChannelOrder.BGR, 1.0, List.of(1.0, 2.0, 3.0),
            List.of(2.0, 4.0, 8.0));
    float[] d = new Preprocessor(bgr).batch(List.of(img)).data();
    assertThat(d[0]).isEqualTo((48 - 1) / 2f); // blue, mean[0], std[0]
    assertThat(d[1]).isEqualTo((32 - 2) / 4f);
    assertThat(d[2]).isEqualTo((16 - 3) / 8f);
  }

  @Test
  void stretchUpscaleIsBilinearWithHalfPixelCentres() {
    DecodedImage img = image(2, 1, 0x000000, 0x646464); // 0, 100
    float[] d = new Preprocessor(identity(4, 1, ResizeMode.STRETCH)).prepare(img).chw();
    assertThat(new float[] {d[0], d[1], d[2], d[3]}).containsExactly(0f, 25f, 75f, 100f);
  }

  @Test
  void stretchDownscaleAveragesEverySourcePixel() {
    // 0, 100, 200, 255 -> 2 pixels, triangle filter widened to 2 source pixels (Pillow)
    DecodedImage img = image(4, 1, 0x000000, 0x646464, 0xC8C8C8, 0xFFFFFF);
    float[] d = new Preprocessor(identity(2, 1, ResizeMode.STRETCH)).prepare(img).chw();
    assertThat(d[0]).isCloseTo((0 * .75f + 100 * .75f + 200 * .25f) / 1.75f, EPS);
    assertThat(d[1]).isCloseTo((100 * .25f + 200 * .75f + 255 * .75f) / 1.75f, EPS);
  }

  @Test
  void sameSizeStretchIsExactlyTheImage() {
    DecodedImage img = grayRamp(5, 3, 50);
    PreparedImage p = new Preprocessor(identity(5, 3, ResizeMode.STRETCH)).prepare(img);
    for (int x = 0; x < 5; x++) {
      assertThat(p.chw()[2 * 5 + x]).isEqualTo(Math.min(255, x * 50));
    }
    assertThat(p.region()).isEqualTo(new Region(0, 0, 5, 3));
  }

  @Test
  void shorterSideCenterCropResizesThenCutsTheMiddle() {
    // 8x4, column value 30*x -> shorter side 4 -> 2 (image 4x2) -> centre 2x2 = source x in [2, 6)
    PreparedImage p =
        new Preprocessor(identity(2, 2, ResizeMode.SHORTER_SIDE_CENTER_CROP))
            .prepare(grayRamp(8, 4, 30));
    assertThat(p.region()).isEqualTo(new Region(2, 0, 4, 4));
    assertThat(p.chw()[0]).isCloseTo(75f, EPS); // (30*.25 + 60*.75 + 90*.75 + 120*.25) / 2
    assertThat(p.chw()[1]).isCloseTo(135f, EPS);
    assertThat(p.chw()[2]).isCloseTo(75f, EPS); // second row, same columns
  }

  @Test
  void centerCropCutsAtNativeResolution() {
    PreparedImage p =
        new Preprocessor(identity(3, 1, ResizeMode.CENTER_CROP)).prepare(grayRamp(5, 3, 10));
    assertThat(p.region()).isEqualTo(new Region(1, 1, 3, 1));
    assertThat(new float[] {p.chw()[0], p.chw()[1], p.chw()[2]}).containsExactly(10f, 20f, 30f);
  }

  @Test
  void centerCropPadsASmallImageWithBlack() {
    Preprocessing p =
        new Preprocessing(
            4, 4, ResizeMode.CENTER_CROP, ChannelOrder.RGB, 255.0, List.of(0.5), List.of(0.5));
    PreparedImage out =
        new Preprocessor(p).prepare(image(2, 2, 0xFFFFFF, 0xFFFFFF, 0xFFFFFF, 0xFFFFFF));
    assertThat(out.region()).isEqualTo(new Region(-1, -1, 4, 4));
    float[] r = out.chw();
    assertThat(r[0]).isEqualTo(-1f); // padding: (0 - 0.5) / 0.5
    assertThat(r[1 * 4 + 1]).isEqualTo(1f); // image: (1 - 0.5) / 0.5
    assertThat(r[2 * 4 + 2]).isEqualTo(1f);
    assertThat(r[3 * 4 + 3]).isEqualTo(-1f);
  }

  @Test
  void configuredPreprocessingMapsFieldForField() {
    PreprocessingConfig config =
        new PreprocessingConfig(
            32, 16, ResizeMode.CENTER_CROP, ChannelOrder.BGR, 1.0, List.of(1.0, 2.0, 3.0),
            List.of(4.0, 5.0, 6.0));
    assertThat(Preprocessing.from(config))
        .isEqualTo(
            new Preprocessing(
                32, 16, ResizeMode.CENTER_CROP, ChannelOrder.BGR, 1.0, List.of(1.0, 2.0, 3.0),
                List.of(4.0, 5.0, 6.0)));
  }

  @Test
  void batchStacksImagesInOrder() {
    Preprocessor pre = new Preprocessor(identity(1, 1, ResizeMode.STRETCH));
    ImageTensor t = pre.batch(List.of(image(1, 1, 0x010203), image(1, 1, 0x040506)));
    assertThat(t.shape()).containsExactly(2, 3, 1, 1);
    assertThat(t.data()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
  }

  @Test
  void badSettingsNameTheField() {
    assertThatThrownBy(
            () ->
                new Preprocessing(
                    224, 0, ResizeMode.STRETCH, ChannelOrder.RGB, 255, List.of(0.0),
                    List.of(1.0)))
        .hasMessage("preprocessing: height 0 must be in 1..8192");
    assertThatThrownBy(
            () ->
                new Preprocessing(
                    2, 2, ResizeMode.STRETCH, ChannelOrder.RGB, 255, List.of(0.0, 1.0),
                    List.of(1.0)))
        .hasMessage("preprocessing: mean has 2 values: give 1 or 3");
    assertThatThrownBy(
            () ->
                new Preprocessing(
                    2, 2, ResizeMode.STRETCH, ChannelOrder.RGB, 255, List.of(0.0), List.of(0.0)))
        .hasMessage("preprocessing: std [0.0] must be positive numbers");
    assertThatThrownBy(() -> Preprocessing.parseResize("squash"))
        .hasMessage(
            "unknown resize mode 'squash': use stretch, center-crop or shorter-side-center-crop");
    assertThat(Preprocessing.parseResize("Shorter-Side-Center-Crop"))
        .isEqualTo(ResizeMode.SHORTER_SIDE_CENTER_CROP);
  }
}
