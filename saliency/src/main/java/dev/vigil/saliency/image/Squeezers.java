package dev.vigil.saliency.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The two squeezers of feature squeezing (Xu, Evans, Qi, "Feature Squeezing: Detecting
 * Adversarial Examples in Deep Neural Networks", NDSS 2018), on 8-bit sRGB pixels before
 * pre-processing: colour bit-depth reduction and 2 x 2 median smoothing. Both remove detail an
 * L-inf perturbation lives in while keeping what a person (and a sound model) reads.
 */
public final class Squeezers {
  private Squeezers() {}

  /**
   * Keeps {@code bits} bits per channel: {@code v' = round(v / 255 * (2^bits - 1)) / (2^bits - 1) * 255}
   * (the paper's reduction on [0, 1] values, mapped back to 0..255).
   */
  public static DecodedImage bitDepth(DecodedImage image, int bits) {
    if (bits < 1 || bits > 8) {
      throw new IllegalArgumentException("bit depth must be 1..8, was " + bits);
    }
    double levels = (1 << bits) - 1;
    BufferedImage src = image.image();
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    int[] lut = new int[256];
    for (int v = 0; v < 256; v++) {
      lut[v] = (int) Math.round(Math.round(v / 255.0 * levels) / levels * 255);
    }
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int rgb = src.getRGB(x, y);
        out.setRGB(x, y, lut[(rgb >> 16) & 0xff] << 16 | lut[(rgb >> 8) & 0xff] << 8 | lut[rgb & 0xff]);
      }
    }
    return new DecodedImage(image.name(), out);
  }

  /**
   * 2 x 2 median filter per channel, as the paper's {@code scipy.ndimage.median_filter(size=2)}:
   * the window of pixel (x, y) is {x-1, x} x {y-1, y}, mirrored at the top and left edges
   * (scipy's "reflect": index -1 reads index 0), and of its four values the third smallest is kept
   * (scipy's rank size/2 for an even window).
   */
  public static DecodedImage median2x2(DecodedImage image) {
    BufferedImage src = image.image();
    int w = src.getWidth();
    int h = src.getHeight();
    int[] px = src.getRGB(0, 0, w, h, null, 0, w);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] dst = new int[w * h];
    int[] v = new int[4];
    for (int y = 0; y < h; y++) {
      int y0 = Math.max(0, y - 1);
      for (int x = 0; x < w; x++) {
        int x0 = Math.max(0, x - 1);
        int[] n = {px[y0 * w + x0], px[y0 * w + x], px[y * w + x0], px[y * w + x]};
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
          for (int i = 0; i < 4; i++) {
            v[i] = (n[i] >> shift) & 0xff;
          }
          Arrays.sort(v);
          rgb |= v[2] << shift;
        }
        dst[y * w + x] = rgb;
      }
    }
    out.setRGB(0, 0, w, h, dst, 0, w);
    return new DecodedImage(image.name(), out);
  }

  /** The feature-squeezing score: {@code max_s ||p(x) - p(s(x))||_1} over the squeezed copies' soft-max. */
  public static double score(float[] original, float[]... squeezed) {
    double best = 0;
    for (float[] s : squeezed) {
      double l1 = 0;
      for (int c = 0; c < original.length; c++) {
        l1 += Math.abs((double) original[c] - s[c]);
      }
      best = Math.max(best, l1);
    }
    return best;
  }
}
