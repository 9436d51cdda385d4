package dev.vigil.demo.signs;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Natural corruptions of the demo's signs, in the spirit of ImageNet-C (Hendrycks and Dietterich,
 * ICLR 2019): brightness, Gaussian blur, Gaussian noise and JPEG compression, each at one fixed,
 * visible severity. A window of such signs is a natural shift: the input distribution moves, but
 * nobody is attacking the model. Deterministic for a seed.
 */
public enum Corruptions {
  /** Every channel brightened by 30% of the range (ImageNet-C brightness, severity ~3). */
  BRIGHTNESS,
  /** Gaussian blur, sigma 1.5 pixels. */
  BLUR,
  /** Additive Gaussian noise, sigma 0.08 of the range (ImageNet-C gaussian_noise, severity ~1). */
  NOISE,
  /** JPEG at quality 10. */
  JPEG;

  /** The corrupted copy of {@code image}. */
  public BufferedImage apply(BufferedImage image, long seed) {
    return switch (this) {
      case BRIGHTNESS -> map(image, v -> v + 0.3 * 255);
      case BLUR -> blur(image, 1.5);
      case NOISE -> noise(image, 0.08 * 255, seed);
      case JPEG -> jpeg(image, 0.10f);
    };
  }

  /** The corruption of index {@code i} mod 4: a window mixes all four evenly. */
  public static Corruptions cycle(int i) {
    return values()[Math.floorMod(i, values().length)];
  }

  private interface Channel {
    double apply(double v);
  }

  private static BufferedImage map(BufferedImage src, Channel f) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int p = src.getRGB(x, y);
        out.setRGB(x, y, clamp(f.apply((p >> 16) & 0xff)) << 16 | clamp(f.apply((p >> 8) & 0xff)) << 8
            | clamp(f.apply(p & 0xff)));
      }
    }
    return out;
  }

  private static BufferedImage noise(BufferedImage src, double sigma, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return map(src, v -> v + sigma * gaussian(rng));
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2); // Box-Muller
  }

  private static BufferedImage blur(BufferedImage src, double sigma) {
    int r = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    double[][] planes = new double[3][w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = src.getRGB(x, y);
        planes[0][y * w + x] = (p >> 16) & 0xff;
        planes[1][y * w + x] = (p >> 8) & 0xff;
        planes[2][y * w + x] = p & 0xff;
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[][] result = new int[3][];
    for (int c = 0; c < 3; c++) {
      double[] tmp = new double[w * h];
      double[] in = planes[c];
      for (int y = 0; y < h; y++) { // rows, edges clamped
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * in[y * w + Math.max(0, Math.min(w - 1, x + i))];
          }
          tmp[y * w + x] = s;
        }
      }
      result[c] = new int[w * h];
      for (int y = 0; y < h; y++) { // columns
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * tmp[Math.max(0, Math.min(h - 1, y + i)) * w + x];
          }
          result[c][y * w + x] = clamp(s);
        }
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        out.setRGB(x, y, result[0][i] << 16 | result[1][i] << 8 | result[2][i]);
      }
    }
    return out;
  }

  private static BufferedImage jpeg(BufferedImage src, float quality) {
    try {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        ImageWriteParam p = writer.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        writer.write(null, new IIOImage(src, null, null), p);
      } finally {
        writer.dispose();
      }
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
      BufferedImage rgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
      rgb.getGraphics().drawImage(decoded, 0, 0, null);
      return rgb;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
