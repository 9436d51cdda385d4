package dev.vigil.demo.signs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignGeneratorTest {
  private static final int STOP = 14;

  private final SignGenerator generator = new SignGenerator(42);

  @Test
  void sameSeedsGiveByteIdenticalPngs() {
    SignGenerator other = new SignGenerator(42);
    for (int c = 0; c < generator.classCount(); c++) {
      assertThat(SignImages.png(other.render(c, 1234L + c)))
          .as("class %d", c)
          .isEqualTo(SignImages.png(generator.render(c, 1234L + c)));
    }
  }

  @Test
  void differentSeedsGiveDifferentImages() {
    BufferedImage base = generator.render(STOP, 7);
    assertThat(pixels(new SignGenerator(43).render(STOP, 7))).isNotEqualTo(pixels(base));
    assertThat(pixels(generator.render(STOP, 8))).isNotEqualTo(pixels(base));
    assertThat(pixels(generator.render(STOP - 1, 7))).isNotEqualTo(pixels(base));
  }

  @Test
  void datasetIsReproducibleAndEqualToRenderingEachSeed() {
    List<SignSample> first = generator.dataset(2, 99);
    List<SignSample> again = new SignGenerator(42).dataset(2, 99);
    assertThat(first).hasSize(2 * generator.classCount());
    for (int i = 0; i < first.size(); i++) {
      SignSample s = first.get(i);
      assertThat(again.get(i).label()).isEqualTo(s.label());
      assertThat(again.get(i).imageSeed()).isEqualTo(s.imageSeed());
      assertThat(pixels(again.get(i).image())).isEqualTo(pixels(s.image()));
      // parallel rendering gives what a single render of that seed gives
      assertThat(pixels(generator.render(s.label(), s.imageSeed()))).isEqualTo(pixels(s.image()));
    }
  }

  @Test
  void datasetIsClassBalancedShuffledAndDisjointAcrossSeeds() {
    List<SignSample> train = generator.dataset(3, 1);
    int[] counts = new int[generator.classCount()];
    train.forEach(s -> counts[s.label()]++);
    assertThat(counts).containsOnly(3);
    int[] order = train.stream().mapToInt(SignSample::label).toArray();
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertThat(order).isNotEqualTo(sorted);

    List<Long> trainSeeds = train.stream().map(SignSample::imageSeed).toList();
    assertThat(generator.dataset(3, 2))
        .extracting(SignSample::imageSeed)
        .doesNotContainAnyElementsOf(trainSeeds);
  }

  @Test
  void imagesAre64x64Rgb() {
    for (int c = 0; c < generator.classCount(); c++) {
      for (BufferedImage img : List.of(generator.render(c, 5), generator.renderTemplate(c))) {
        assertThat(img.getWidth()).isEqualTo(64);
        assertThat(img.getHeight()).isEqualTo(64);
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      }
    }
  }

  @Test
  void labelsFollowGtsrbWithStopAtFourteen() {
    List<String> labels = generator.labels();
    assertThat(labels).hasSize(25).doesNotHaveDuplicates();
    assertThat(labels.get(STOP)).isEqualTo("Stop");
    assertThat(labels.get(0)).isEqualTo("Speed limit (20km/h)");
    assertThat(labels.get(12)).isEqualTo("Priority road");
    assertThat(labels.get(13)).isEqualTo("Yield");
    assertThat(labels.get(17)).isEqualTo("No entry");
    for (int i = 0; i <= 18; i++) {
      assertThat(SignClass.of(i).gtsrbId()).isEqualTo(i);
    }
    assertThat(SignClass.KEEP_RIGHT.gtsrbId()).isEqualTo(38);
    assertThat(SignClass.KEEP_RIGHT.label()).isEqualTo(labels.get(SignClass.KEEP_RIGHT.index()));
  }

  @Test
  void stopSignsAreMostlyRed() {
    double[] s = meanColourShares(STOP);
    assertThat(s[RED]).isGreaterThan(0.5);
    assertThat(s[YELLOW]).isLessThan(0.03);
    assertThat(s[BLUE]).isLessThan(0.03);
  }

  @Test
  void mandatorySignsAreMostlyBlue() {
    for (SignClass c :
        List.of(
            SignClass.TURN_RIGHT_AHEAD, SignClass.TURN_LEFT_AHEAD, SignClass.AHEAD_ONLY,
            SignClass.KEEP_RIGHT, SignClass.KEEP_LEFT, SignClass.ROUNDABOUT)) {
      double[] s = meanColourShares(c.index());
      assertThat(s[BLUE]).as(c.label()).isGreaterThan(0.4);
      assertThat(s[RED]).as(c.label()).isLessThan(0.03);
    }
  }

  @Test
  void priorityRoadIsYellowAndProhibitorySignsAreRedRinged() {
    double[] priority = meanColourShares(SignClass.PRIORITY_ROAD.index());
    assertThat(priority[YELLOW]).isGreaterThan(0.2);
    assertThat(priority[RED]).isLessThan(0.03);
    for (SignClass c :
        List.of(SignClass.SPEED_LIMIT_30, SignClass.NO_VEHICLES, SignClass.YIELD,
            SignClass.GENERAL_CAUTION, SignClass.NO_ENTRY)) {
      double[] s = meanColourShares(c.index());
      assertThat(s[RED]).as(c.label()).isGreaterThan(0.08);
      assertThat(s[BLUE]).as(c.label()).isLessThan(0.03);
    }
    double[] end = meanColourShares(SignClass.END_SPEED_LIMIT_80.index());
    for (double v : end) {
      assertThat(v).isLessThan(0.03);
    }
  }

  @Test
  void everyClassTemplateIsDistinct() {
    int k = generator.classCount();
    for (int i = 0; i < k; i++) {
      int[] a = pixels(generator.renderTemplate(i));
      for (int j = i + 1; j < k; j++) {
        double diff = meanAbsDiff(a, pixels(generator.renderTemplate(j)));
        // the closest pair ("No passing" vs its lorry variant) differs by about 2.3 levels
        assertThat(diff).as("%s vs %s", generator.labels().get(i), generator.labels().get(j))
            .isGreaterThan(1.0);
      }
    }
  }

  @Test
  void batchIsNchwAndNormalisedPerChannel() {
    List<SignSample> samples = generator.dataset(1, 5).subList(0, 3);
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    SignBatch batch = SignBatch.of(samples, mean, std);
    assertThat(new int[] {batch.n(), batch.c(), batch.h(), batch.w()})
        .containsExactly(3, 3, 64, 64);
    int rgb = samples.get(2).image().getRGB(10, 20);
    int plane = 64 * 64;
    int at = 2 * 3 * plane + 20 * 64 + 10;
    assertThat(batch.data()[at]).isEqualTo((((rgb >> 16) & 0xff) / 255f - mean[0]) / std[0]);
    assertThat(batch.data()[at + plane]).isEqualTo((((rgb >> 8) & 0xff) / 255f - mean[1]) / std[1]);
    assertThat(batch.data()[at + 2 * plane]).isEqualTo(((rgb & 0xff) / 255f - mean[2]) / std[2]);
    assertThat(batch.labels()).containsExactly(
        samples.get(0).label(), samples.get(1).label(), samples.get(2).label());

    SignBatch plain = generator.batch(1, 5);
    assertThat(plain.n()).isEqualTo(generator.classCount());
    for (float v : plain.data()) {
      assertThat(v).isBetween(0f, 1f);
    }
  }

  @Test
  void exportWritesPngsLabelsAndIndex(@TempDir Path dir) throws Exception {
    List<SignSample> samples = generator.dataset(1, 11).subList(0, 4);
    SignImages.exportDataset(samples, dir);
    assertThat(Files.readAllLines(dir.resolve("labels.txt"), StandardCharsets.UTF_8))
        .isEqualTo(generator.labels());
    List<String> index = Files.readAllLines(dir.resolve("index.csv"));
    assertThat(index).hasSize(5);
    assertThat(index.get(0)).isEqualTo("file,label,labelName,imageSeed");
    for (int i = 0; i < samples.size(); i++) {
      SignSample s = samples.get(i);
      String file = String.format("%06d-%02d.png", i, s.label());
      assertThat(index.get(i + 1))
          .isEqualTo(file + "," + s.label() + ",\"" + s.labelName() + "\"," + s.imageSeed());
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(file))));
      assertThat(pixels(back)).isEqualTo(pixels(s.image()));
    }
  }

  @Test
  void rejectsUnknownClassWithTheValidRange() {
    assertThatThrownBy(() -> generator.render(25, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("25")
        .hasMessageContaining("0..24");
    assertThatThrownBy(() -> generator.dataset(-1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("perClass");
  }

  private static final int RED = 0;
  private static final int YELLOW = 1;
  private static final int BLUE = 2;

  /**
   * Share of saturated red / yellow / blue pixels in the central 32 x 32 region, averaged
   * over 20 generated images of the class.
   */
  private double[] meanColourShares(int classIndex) {
    double[] mean = new double[3];
    int images = 20;
    float[] hsb = new float[3];
    for (int k = 0; k < images; k++) {
      BufferedImage img = generator.render(classIndex, 500 + k);
      int n = 0;
      int[] counts = new int[3];
      for (int y = 16; y < 48; y++) {
        for (int x = 16; x < 48; x++) {
          int p = img.getRGB(x, y);
          Color.RGBtoHSB((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff, hsb);
          n++;
          if (hsb[1] < 0.35f || hsb[2] < 0.15f) {
            continue;
          }
          float h = hsb[0];
          if (h < 0.04f || h > 0.94f) {
            counts[RED]++;
          } else if (h > 0.09f && h < 0.19f) {
            counts[YELLOW]++;
          } else if (h > 0.55f && h < 0.7f) {
            counts[BLUE]++;
          }
        }
      }
      for (int i = 0; i < 3; i++) {
        mean[i] += counts[i] / (double) n / images;
      }
    }
    return mean;
  }

  private static int[] pixels(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  private static double meanAbsDiff(int[] a, int[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      for (int s = 0; s < 24; s += 8) {
        d += Math.abs(((a[i] >> s) & 0xff) - ((b[i] >> s) & 0xff));
      }
    }
    return d / (a.length * 3.0);
  }
}
