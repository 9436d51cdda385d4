package dev.vigil.saliency.image;

import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the model is run on: a tensor, plus the original images when it came from image files
 * (raw {@code .npy}/JSON tensors have none, so no overlay can be drawn over them).
 *
 * @param tensor NCHW float32 model input
 * @param images the pre-processed images behind {@code tensor}, one per batch item, or empty
 */
public record ModelInput(ImageTensor tensor, List<PreparedImage> images) {
  public ModelInput {
    Objects.requireNonNull(tensor, "tensor");
    images = List.copyOf(images);
    if (!images.isEmpty() && images.size() != tensor.n()) {
      throw new IllegalArgumentException(
          images.size() + " images for a batch of " + tensor.n());
    }
  }

  /** Whether the original images are known (and overlays can be drawn). */
  public boolean hasImages() {
    return !images.isEmpty();
  }

  /**
   * Loads an input file by its content: a NumPy {@code .npy} tensor, a JSON nested array, or a
   * PNG/JPEG image (then pre-processed with {@code preprocessor}).
   *
   * @param preprocessor needed for images; may be null when only tensors are expected
   * @throws ImageDecodeException naming the file and what is wrong with it
   */
  public static ModelInput load(Path file, Preprocessor preprocessor) {
    byte[] bytes = ImageDecoder.readInput(file);
    String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".npy") || startsWithNpyMagic(bytes)) {
      try {
        return new ModelInput(Npy.readImage(file), List.of());
      } catch (IOException | IllegalArgumentException e) {
        throw new ImageDecodeException(e.getMessage(), e);
      }
    }
    if (lower.endsWith(".json") || firstNonBlank(bytes) == '[') {
      return new ModelInput(TensorJson.parse(bytes, file.toString()), List.of());
    }
    DecodedImage image = ImageDecoder.decode(bytes, file.toString());
    if (preprocessor == null) {
      throw new ImageDecodeException(
          file + " is an image but no pre-processing is configured: give the model input size"
              + " (--width/--height or --config with --endpoint)");
    }
    PreparedImage prepared = preprocessor.prepare(image);
    return new ModelInput(Preprocessor.stack(List.of(prepared)), List.of(prepared));
  }

  private static boolean startsWithNpyMagic(byte[] b) {
    return b.length >= 6 && (b[0] & 0xFF) == 0x93 && b[1] == 'N' && b[2] == 'U' && b[3] == 'M'
        && b[4] == 'P' && b[5] == 'Y';
  }

  private static int firstNonBlank(byte[] b) {
    for (byte x : b) {
      if (!Character.isWhitespace(x)) {
        return x;
      }
    }
    return -1;
  }
}
