package dev.vigil.saliency.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.saliency.image.Region;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapRendererTest {
  @TempDir Path dir;

  private static BufferedImage flat(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void turboRunsFromDarkBlueToDarkRed() {
    assertThat(Turbo.rgb(0)).isEqualTo(0x23171B);
    assertThat(Turbo.rgb(1)).isEqualTo(0x900D00);
    assertThat(Turbo.evaluate(0.5)).isEqualTo(0x96FA50); // greenish yellow mid-point
    assertThat(Turbo.rgb(0.5)).isEqualTo(Turbo.evaluate(128 / 255.0)); // 256-level table
    assertThat(Turbo.rgb(Double.NaN)).isEqualTo(Turbo.rgb(0));
    assertThat(Turbo.rgb(7)).isEqualTo(Turbo.rgb(1));
  }

  @Test
  void hottestMapCellRendersTurboTopColourAtItsPlaceInTheOriginal() {
    BufferedImage black = flat(40, 20, 0x000000);
    float[] map = new float[16]; // 4 x 4, peak at row 1, column 3
    map[1 * 4 + 3] = 5f;
    map[0] = -1f; // raw values: the display normalisation maps [-1, 5] to [0, 1]
    BufferedImage out =
        new HeatmapRenderer(0.5, 64).overlay(black, map, 4, 4, Region.whole(40, 20));
    assertThat(out.getWidth()).isEqualTo(40);
    assertThat(out.getHeight()).isEqualTo(20);
    // pixel (39, 7) samples the map exactly at the centre row of cell (1, 3) (column clamped)
    assertThat(rgb(out, 39, 7)).isEqualTo(HeatmapRenderer.blend(0, Turbo.rgb(1), 0.5));
    assertThat(rgb(out, 39, 7)).isEqualTo(0x480700); // round(144 / 2), round(13 / 2), 0
    // the far corner holds the minimum
    assertThat(rgb(out, 0, 0)).isEqualTo(HeatmapRenderer.blend(0, Turbo.rgb(0), 0.5));
    // and no other pixel is hotter (reddest)
    int maxRed = 0;
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 40; x++) {
        maxRed = Math.max(maxRed, (rgb(out, x, y) >> 16) & 0xFF);
      }
    }
    assertThat(maxRed).isGreaterThanOrEqualTo(0x48);
  }

  @Test
  void blendIsAlphaWeightedPerChannel() {
    BufferedImage white = flat(3, 3, 0xFFFFFF);
    float[] flatMap = new float[4]; // flat map -> normalised zeros -> Turbo(0) = 0x23171B
    BufferedImage out = new HeatmapRenderer(0.25, 64).overlay(white, flatMap, 2, 2,
        Region.whole(3, 3));
    int expected =
        (Math.round(0.75f * 255 + 0.25f * 0x23) << 16)
            | (Math.round(0.75f * 255 + 0.25f * 0x17) << 8)
            | Math.round(0.75f * 255 + 0.25f * 0x1B);
    assertThat(rgb(out, 1, 1)).isEqualTo(expected).isEqualTo(0xC8C5C6);
    assertThat(rgb(new HeatmapRenderer(0, 64).overlay(white, flatMap, 2, 2, Region.whole(3, 3)),
        2, 2)).isEqualTo(0xFFFFFF);
    assertThat(rgb(new HeatmapRenderer(1, 64).overlay(white, flatMap, 2, 2, Region.whole(3, 3)),
        2, 2)).isEqualTo(Turbo.rgb(0));
  }

  @Test
  void mapIsPlacedOnTheCropRegionAndTheRestIsUntouched() {
    BufferedImage img = flat(40, 20, 0x404040);
    float[] map = {0f, 1f}; // 1 x 2: right half of the crop is hot
    BufferedImage out =
        new HeatmapRenderer(0.5, 64).overlay(img, map, 1, 2, new Region(10, 0, 20, 20));
    assertThat(rgb(out, 5, 5)).isEqualTo(0x404040); // left of the crop
    assertThat(rgb(out, 35, 5)).isEqualTo(0x404040); // right of the crop
    assertThat(rgb(out, 29, 5)).isEqualTo(HeatmapRenderer.blend(0x404040, Turbo.rgb(1), 0.5));
    assertThat(rgb(out, 10, 5)).isEqualTo(HeatmapRenderer.blend(0x404040, Turbo.rgb(0), 0.5));
  }

  @Test
  void upsamplingIsBilinearBetweenCellCentres() {
    // 1 x 2 map over 4 pixels: centres of the cells at x = 1 and x = 3 (in pixel-edge units)
    assertThat(HeatmapRenderer.bilinear(new float[] {0f, 1f}, 1, 2, 0, 0.5)).isEqualTo(0.5);
    assertThat(HeatmapRenderer.bilinear(new float[] {0f, 1f}, 1, 2, 0, -3)).isEqualTo(0.0);
    assertThat(HeatmapRenderer.normalise(new float[] {2f, 4f, 3f})).containsExactly(0f, 1f, .5f);
    assertThat(HeatmapRenderer.normalise(new float[] {3f, 3f})).containsExactly(0f, 0f);
  }

  @Test
  void colorBarRunsHighAtTheTopToLowAtTheBottom() {
    BufferedImage bar = HeatmapRenderer.defaults().colorBar(100);
    assertThat(bar.getHeight()).isEqualTo(100);
    assertThat(rgb(bar, 5, 0)).isEqualTo(Turbo.rgb(1));
    assertThat(rgb(bar, 5, 99)).isEqualTo(Turbo.rgb(0));
    assertThat(rgb(bar, 5, 50)).isEqualTo(Turbo.rgb(1 - 50 / 99.0));
  }

  @Test
  void panelHasTheDocumentedLayout() {
    BufferedImage original = flat(100, 50, 0x336699);
    BufferedImage overlay = flat(100, 50, 0xCC2200);
    HeatmapRenderer r = new HeatmapRenderer(0.5, 100);
    List<ClassScore> top =
        ClassScore.top(new float[] {0.1f, 0.7f, 0.05f, 0.05f, 0.05f, 0.05f}, 5,
            Labels.of(List.of("yield", "stop")));
    BufferedImage panel = r.panel(original, overlay, top, "event 42: stop");
    int tile = 200; // 100 high, aspect 2:1
    assertThat(panel.getWidth()).isEqualTo(8 + tile + 8 + tile + 8 + 56 + 8 + 260 + 8);
    assertThat(panel.getHeight()).isEqualTo(28 + 100 + 8);
    assertThat(rgb(panel, 8 + tile / 2, 28 + 50)).isEqualTo(0x336699);
    assertThat(rgb(panel, 8 + tile + 8 + tile / 2, 28 + 50)).isEqualTo(0xCC2200);
    int barX = 8 + tile + 8 + tile + 8 + 4;
    assertThat(rgb(panel, barX, 28)).isEqualTo(Turbo.rgb(1));
    assertThat(rgb(panel, barX, 28 + 99)).isEqualTo(Turbo.rgb(0));
    assertThat(top.get(0).label()).isEqualTo("stop");
    assertThat(top.get(1).label()).isEqualTo("yield");
    assertThat(top.get(2).label()).isEqualTo("2"); // ties: lower index first; unlabelled: the index
  }

  @Test
  void sameInputsGiveTheSameBytes() throws IOException {
    HeatmapRenderer r = HeatmapRenderer.defaults();
    float[] map = new float[64];
    for (int i = 0; i < map.length; i++) {
      map[i] = (i * 37 % 11) / 3f;
    }
    BufferedImage img = flat(30, 20, 0x808080);
    byte[][] png = new byte[2][];
    for (int k = 0; k < 2; k++) {
      BufferedImage overlay = r.overlay(img, map, 8, 8, Region.whole(30, 20));
      BufferedImage panel = r.panel(img, overlay,
          ClassScore.top(new float[] {0.2f, 0.8f}, 5, Labels.none()), "x");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(panel, "png", out);
      png[k] = out.toByteArray();
    }
    assertThat(Arrays.equals(png[0], png[1])).isTrue();
  }

  @Test
  void writePngCreatesDirectoriesAndReadsBack() throws IOException {
    Path f = dir.resolve("a/b/overlay.png");
    HeatmapRenderer.writePng(flat(3, 2, 0x010203), f);
    BufferedImage back = ImageIO.read(f.toFile());
    assertThat(back.getWidth()).isEqualTo(3);
    assertThat(rgb(back, 2, 1)).isEqualTo(0x010203);
  }
}
