package dev.vigil.demo.signs;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Images as one float32 NCHW tensor plus their labels, the layout ONNX image models take.
 *
 * <p>Channel order is RGB; each value is {@code (pixel / 255 - mean[c]) / std[c]}, the
 * {@code preprocessing} block of the endpoint configuration with {@code scale: 255}.
 *
 * @param data {@code n * c * h * w} values, index {@code ((i * c + ch) * h + y) * w + x}
 * @param labels class index per image
 */
public record SignBatch(float[] data, int[] labels, int n, int c, int h, int w) {
  public SignBatch {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(labels, "labels");
    if (n < 0 || c <= 0 || h <= 0 || w <= 0 || (long) n * c * h * w != data.length) {
      throw new IllegalArgumentException(
          "batch shape [" + n + ", " + c + ", " + h + ", " + w + "] does not match "
              + data.length + " values");
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(
          "batch has " + n + " images but " + labels.length + " labels");
    }
  }

  /** Scales pixels to [0, 1] only (mean 0, std 1). */
  public static SignBatch of(List<SignSample> samples) {
    return of(samples, new float[] {0, 0, 0}, new float[] {1, 1, 1});
  }

  /**
   * Packs samples into one batch, normalised per channel.
   *
   * @throws IllegalArgumentException if the images differ in size, or mean/std are not
   *     three values with every std positive
   */
  public static SignBatch of(List<SignSample> samples, float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need one value per RGB channel (3)");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std values must be positive, got " + s);
      }
    }
    int n = samples.size();
    int h = n == 0 ? SignGenerator.SIZE : samples.get(0).image().getHeight();
    int w = n == 0 ? SignGenerator.SIZE : samples.get(0).image().getWidth();
    float[] data = new float[n * 3 * h * w];
    int[] labels = new int[n];
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      BufferedImage img = samples.get(i).image();
      if (img.getWidth() != w || img.getHeight() != h) {
        throw new IllegalArgumentException(
            "image " + i + " is " + img.getWidth() + "x" + img.getHeight()
                + " but the batch is " + w + "x" + h);
      }
      int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
      int base = i * 3 * plane;
      for (int p = 0; p < plane; p++) {
        int v = rgb[p];
        data[base + p] = (((v >> 16) & 0xff) / 255f - mean[0]) / std[0];
        data[base + plane + p] = (((v >> 8) & 0xff) / 255f - mean[1]) / std[1];
        data[base + 2 * plane + p] = ((v & 0xff) / 255f - mean[2]) / std[2];
      }
      labels[i] = samples.get(i).label();
    }
    return new SignBatch(data, labels, n, 3, h, w);
  }
}
