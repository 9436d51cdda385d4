package dev.vigil.demo.signs;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One generated image and its class.
 *
 * @param image a {@link SignGenerator#SIZE} x {@link SignGenerator#SIZE} RGB image (the
 *     generator hands out a fresh image per sample; treat it as read-only)
 * @param label the model output index, see {@link SignClass#index()}
 * @param imageSeed the seed that reproduces this image with
 *     {@link SignGenerator#render(int, long)}
 */
public record SignSample(BufferedImage image, int label, long imageSeed) {
  public SignSample {
    Objects.requireNonNull(image, "image");
    SignClass.of(label); // range check with a clear message
  }

  /** The class name, for example {@code "Stop"}. */
  public String labelName() {
    return SignClass.of(label).label();
  }
}
