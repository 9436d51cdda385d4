package dev.vigil.demo.signs;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Camera effects on a planar float image ({@code [channel][y * w + x]}, 0..255): downsampling,
 * lighting, blur and sensor noise. Done in plain arithmetic rather than with Java2D filters,
 * with {@link StrictMath} and a home-made Gaussian (not {@code nextGaussian}, whose algorithm
 * may change between JDKs), so that the pixels do not depend on the JVM's intrinsics.
 */
final class Photo {
  static final double MIN_GAIN = 0.5;
  static final double MAX_GAIN = 1.35;
  static final double MIN_CONTRAST = 0.65;
  static final double MAX_CONTRAST = 1.15;

  private Photo() {}

  /** Box-filter downsampling by an integer factor: an exact area average, no aliasing. */
  static float[][] downsample(BufferedImage canvas, int factor) {
    int sw = canvas.getWidth();
    int w = sw / factor;
    int h = canvas.getHeight() / factor;
    int[] src = canvas.getRGB(0, 0, sw, canvas.getHeight(), null, 0, sw);
    float[][] out = new float[3][w * h];
    float norm = 1f / (factor * factor);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int dy = 0; dy < factor; dy++) {
          int row = (y * factor + dy) * sw + x * factor;
          for (int dx = 0; dx < factor; dx++) {
            int p = src[row + dx];
            r += (p >> 16) & 0xff;
            g += (p >> 8) & 0xff;
            b += p & 0xff;
          }
        }
        out[0][y * w + x] = r * norm;
        out[1][y * w + x] = g * norm;
        out[2][y * w + x] = b * norm;
      }
    }
    return out;
  }

  /**
   * Exposure (gain), contrast around mid-grey, a colour cast and a linear shading ramp
   * (light from one side), in that order.
   */
  static void light(float[][] img, int w, SplittableRandom rng) {
    // exposure log-uniform between MIN_GAIN and MAX_GAIN: as many dim images as bright ones
    double gain = StrictMath.exp(StrictMath.log(MIN_GAIN)
        + (StrictMath.log(MAX_GAIN) - StrictMath.log(MIN_GAIN)) * rng.nextDouble());
    double contrast = MIN_CONTRAST + (MAX_CONTRAST - MIN_CONTRAST) * rng.nextDouble();
    double[] cast = new double[3];
    for (int c = 0; c < 3; c++) {
      cast[c] = 0.9 + 0.2 * rng.nextDouble();
    }
    double rampX = 0.8 * (rng.nextDouble() - 0.5);
    double rampY = 0.8 * (rng.nextDouble() - 0.5);
    int h = img[0].length / w;
    for (int c = 0; c < 3; c++) {
      float[] ch = img[c];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          double shade = 1 + rampX * ((x + 0.5) / w - 0.5) + rampY * ((y + 0.5) / h - 0.5);
          double v = (ch[i] - 128) * contrast + 128;
          ch[i] = (float) (v * gain * cast[c] * shade);
        }
      }
    }
  }

  /** Separable Gaussian blur with clamped edges; {@code sigma <= 0} leaves the image as is. */
  static void blur(float[][] img, int w, double sigma) {
    if (sigma <= 0) {
      return;
    }
    int radius = (int) Math.ceil(3 * sigma);
    float[] kernel = new float[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      double v = StrictMath.exp(-(k * k) / (2 * sigma * sigma));
      kernel[k + radius] = (float) v;
      sum += v;
    }
    for (int k = 0; k < kernel.length; k++) {
      kernel[k] /= (float) sum;
    }
    int h = img[0].length / w;
    float[] tmp = new float[w * h];
    for (float[] ch : img) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float acc = 0;
          for (int k = -radius; k <= radius; k++) {
            int xx = Math.min(w - 1, Math.max(0, x + k));
            acc += kernel[k + radius] * ch[y * w + xx];
          }
          tmp[y * w + x] = acc;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float acc = 0;
          for (int k = -radius; k <= radius; k++) {
            int yy = Math.min(h - 1, Math.max(0, y + k));
            acc += kernel[k + radius] * tmp[yy * w + x];
          }
          ch[y * w + x] = acc;
        }
      }
    }
  }

  /** Additive Gaussian sensor noise with standard deviation {@code sigma} (0..255 scale). */
  static void noise(float[][] img, double sigma, SplittableRandom rng) {
    if (sigma <= 0) {
      return;
    }
    for (float[] ch : img) {
      for (int i = 0; i < ch.length; i += 2) {
        // Marsaglia's polar method: two normal deviates per accepted pair
        double u;
        double v;
        double s;
        do {
          u = 2 * rng.nextDouble() - 1;
          v = 2 * rng.nextDouble() - 1;
          s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        ch[i] += (float) (sigma * u * f);
        if (i + 1 < ch.length) {
          ch[i + 1] += (float) (sigma * v * f);
        }
      }
    }
  }

  /** Rounds, clamps to 0..255 and packs into an RGB image. */
  static BufferedImage toImage(float[][] img, int w) {
    int h = img[0].length / w;
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (clamp(img[0][i]) << 16) | (clamp(img[1][i]) << 8) | clamp(img[2][i]);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }

  private static int clamp(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }
}
