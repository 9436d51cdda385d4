package dev.vigil.saliency.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A decoded input image at its original size, as 8-bit sRGB ({@link BufferedImage#TYPE_INT_RGB}).
 * Kept next to the tensor so heatmaps can be drawn over what the user actually sent.
 *
 * @param name where it came from (file name or event id), used in messages and file names
 * @param image the pixels; callers must not modify it
 */
public record DecodedImage(String name, BufferedImage image) {
  public DecodedImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    if (image.getType() != BufferedImage.TYPE_INT_RGB) {
      throw new IllegalArgumentException("image must be TYPE_INT_RGB, got type " + image.getType());
    }
  }

  public int width() {
    return image.getWidth();
  }

  public int height() {
    return image.getHeight();
  }
}
