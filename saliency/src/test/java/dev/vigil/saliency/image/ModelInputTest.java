package dev.vigil.saliency.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInputTest {
  @TempDir Path dir;

  @Test
  void jsonNchwArrayIsReadInOrder() throws Exception {
    Path f = dir.resolve("x.json");
    Files.writeString(f, "[[[[1, 2], [3, 4]], [[5, 6], [7, 8.5]]]]");
    ModelInput in = ModelInput.load(f, null);
    assertThat(in.tensor().shape()).containsExactly(1, 2, 2, 2);
    assertThat(in.tensor().data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8.5f);
    assertThat(in.hasImages()).isFalse();
  }

  @Test
  void jsonChwArrayIsOneImage() {
    ImageTensor t =
        TensorJson.parse("[[[1,2,3]],[[4,5,6]],[[7,8,9]]]".getBytes(StandardCharsets.UTF_8), "x");
    assertThat(t.shape()).containsExactly(1, 3, 1, 3);
    assertThat(t.data()[8]).isEqualTo(9f);
  }

  @Test
  void raggedJsonNamesTheIndex() {
    assertThatThrownBy(
            () -> TensorJson.parse("[[[1,2],[3]]]".getBytes(StandardCharsets.UTF_8), "x.json"))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessage("x.json: ragged array at [0][1]: expected 2 elements (shape [1, 2, 2]), found 1"
            + " elements");
  }

  @Test
  void wrongRankAndNonNumbersAreRejected() {
    assertThatThrownBy(() -> TensorJson.parse("[[1,2],[3,4]]".getBytes(), "x.json"))
        .hasMessage(
            "x.json: expected a nested number array [N][C][H][W] or [C][H][W], found rank 2 [2, 2]");
    assertThatThrownBy(() -> TensorJson.parse("[[[1,\"a\"]]]".getBytes(), "x.json"))
        .hasMessage("x.json: not a number at [0][0][1]: \"a\"");
    assertThatThrownBy(() -> TensorJson.parse("[[[1,2]".getBytes(), "x.json"))
        .hasMessageStartingWith("x.json is not valid JSON: ");
  }

  @Test
  void npyTensorIsReadAsIs() throws Exception {
    Path f = dir.resolve("x.npy");
    ImageTensor t = new ImageTensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1, 1);
    Npy.write(f, t);
    assertThat(ModelInput.load(f, null).tensor()).isEqualTo(t);
  }

  @Test
  void brokenNpyIsABadInputNamingTheFile() throws Exception {
    Path f = dir.resolve("bad.npy");
    Files.writeString(f, "not numpy");
    assertThatThrownBy(() -> ModelInput.load(f, null))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageStartingWith(f + ": not a .npy file");
  }

  @Test
  void imageFileIsPreprocessedAndKept() throws Exception {
    Path f = dir.resolve("img.png");
    BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(img, "png", f.toFile());
    ModelInput in = ModelInput.load(f, new Preprocessor(Preprocessing.imagenet(3, 3)));
    assertThat(in.tensor().shape()).containsExactly(1, 3, 3, 3);
    assertThat(in.images()).hasSize(1);
    assertThat(in.images().get(0).original().width()).isEqualTo(6);
  }

  @Test
  void imageWithoutPreprocessingSaysWhatToGive() throws Exception {
    Path f = dir.resolve("img.png");
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
    assertThatThrownBy(() -> ModelInput.load(f, null))
        .hasMessageContaining("no pre-processing is configured");
  }
}
