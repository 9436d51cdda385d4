package dev.vigil.saliency.input;

import dev.vigil.saliency.ImageTensor;
import java.awt.image.BufferedImage;

/**
 * A picture of an already pre-processed input tensor, to draw its heatmap over when no original
 * image exists: the values min-max scaled to 0..255 over the whole tensor (one scale for all
 * channels keeps the colours' balance), channels 0-2 as red, green, blue; one channel as grey.
 * The channel order is the model's, so a BGR model's rendering shows swapped colours.
 */
public final class TensorRendering {
  private TensorRendering() {}

  /** Renders sample {@code i} of {@code t} at its own size. */
  public static BufferedImage toImage(ImageTensor t, int i) {
    int hw = t.h() * t.w();
    int base = i * t.imageSize();
    float[] d = t.data();
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int k = base; k < base + t.imageSize(); k++) {
      if (Float.isFinite(d[k])) {
        min = Math.min(min, d[k]);
        max = Math.max(max, d[k]);
      }
    }
    float scale = max > min ? 255f / (max - min) : 0f;
    BufferedImage img = new BufferedImage(t.w(), t.h(), BufferedImage.TYPE_INT_RGB);
    for (int p = 0; p < hw; p++) {
      int r = level(d[base + p], min, scale);
      int g = t.c() >= 3 ? level(d[base + hw + p], min, scale) : r;
      int b = t.c() >= 3 ? level(d[base + 2 * hw + p], min, scale) : r;
      img.setRGB(p % t.w(), p / t.w(), (r << 16) | (g << 8) | b);
    }
    return img;
  }

  private static int level(float v, float min, float scale) {
    if (!Float.isFinite(v)) {
      return 0;
    }
    return Math.max(0, Math.min(255, Math.round((v - min) * scale)));
  }
}
