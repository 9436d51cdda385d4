package dev.vigil.saliency.image;

import java.util.Objects;

/**
 * One image after pre-processing: the model-ready CHW values and where they came from.
 *
 * @param original the decoded image at its original size (for overlays)
 * @param chw {@code channels x height x width} float32 values, normalised; callers must not
 *     modify it
 * @param channels tensor channels (3)
 * @param height tensor height
 * @param width tensor width
 * @param region the part of {@code original} the tensor covers
 */
public record PreparedImage(
    DecodedImage original, float[] chw, int channels, int height, int width, Region region) {
  public PreparedImage {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(chw, "chw");
    Objects.requireNonNull(region, "region");
    if (chw.length != channels * height * width) {
      throw new IllegalArgumentException(
          "chw has " + chw.length + " values, expected " + channels + "x" + height + "x" + width);
    }
  }
}
