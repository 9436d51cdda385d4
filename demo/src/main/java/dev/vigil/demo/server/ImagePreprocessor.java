package dev.vigil.demo.server;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Request body to model input: decode (PNG, JPEG, or anything else ImageIO reads), drop
 * alpha, resize to the model's H x W, then {@code (pixel / scale - mean[c]) / std[c]} in
 * NCHW order. These are the steps of the endpoint configuration's {@code preprocessing}
 * block with {@code resize: stretch} and {@code channelOrder: RGB}, so saliency replay with
 * that block sees the tensor the model saw.
 *
 * <p>Resizing is bilinear with antialiasing (a triangle filter widened by the scale factor
 * when shrinking, as PIL and torchvision's {@code antialias=True} do); an image already at
 * the model's size is not resampled at all. Alpha is dropped, not composited, as PIL's
 * {@code convert("RGB")} does. Thread-safe (no state beyond the settings).
 */
final class ImagePreprocessor {
  /** Decompression-bomb guard: a 10 MB PNG can claim billions of pixels. */
  static final long MAX_PIXELS = 40_000_000L;

  private final int channels;
  private final int height;
  private final int width;
  private final float scale;
  private final float[] mean;
  private final float[] std;

  ImagePreprocessor(int channels, int height, int width, float scale, float[] mean, float[] std) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.scale = scale;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** Decodes and converts a request body. */
  float[] toTensor(byte[] body) throws BadRequestException {
    return toTensor(decode(body));
  }

  static BufferedImage decode(byte[] body) throws BadRequestException {
    if (body.length == 0) {
      throw new BadRequestException(
          "the request body is empty: POST the image file's bytes (PNG or JPEG) as the body");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(body))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadRequestException(
            "the request body (" + body.length + " bytes, starting "
                + HexFormat.of().formatHex(body, 0, Math.min(8, body.length))
                + ") is not an image: POST the raw bytes of a PNG or JPEG file");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new BadRequestException(
              "the image is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                  + " pixels; at most " + MAX_PIXELS + " pixels are accepted: downscale it first");
        }
        BufferedImage image = reader.read(0);
        if (image == null) {
          throw new BadRequestException("the " + reader.getFormatName() + " image holds no picture");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports truncated or corrupt files as IIOException, and some malformed ones
      // as unchecked exceptions from deep inside its decoders: all are the client's input.
      throw new BadRequestException(
          "the image cannot be decoded (" + e.getClass().getSimpleName() + ": " + e.getMessage()
              + "): send a complete, valid PNG or JPEG file");
    }
  }

  float[] toTensor(BufferedImage image) {
    int sw = image.getWidth();
    int sh = image.getHeight();
    float[][] planes = rgbPlanes(image);
    if (channels == 1) {
      float[] grey = new float[sw * sh];
      for (int i = 0; i < grey.length; i++) {
        // ITU-R 601-2 luma, PIL's convert("L")
        grey[i] = planes[0][i] * 0.299f + planes[1][i] * 0.587f + planes[2][i] * 0.114f;
      }
      planes = new float[][] {grey};
    }
    int plane = width * height;
    float[] out = new float[channels * plane];
    for (int c = 0; c < channels; c++) {
      float[] resized =
          sw == width && sh == height ? planes[c] : resize(planes[c], sw, sh, width, height);
      float m = mean[Math.min(c, mean.length - 1)];
      float s = std[Math.min(c, std.length - 1)];
      for (int i = 0; i < plane; i++) {
        out[c * plane + i] = (resized[i] / scale - m) / s;
      }
    }
    return out;
  }

  /** Planar R, G, B values 0..255; 8-bit grey images read their samples directly. */
  private static float[][] rgbPlanes(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[][] planes = new float[3][w * h];
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      // getRGB would pass grey through Java2D's linear-grey colour conversion and brighten it
      Raster raster = image.getRaster();
      int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
      for (int i = 0; i < samples.length; i++) {
        planes[0][i] = planes[1][i] = planes[2][i] = samples[i];
      }
      return planes;
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      planes[0][i] = (argb[i] >> 16) & 0xff;
      planes[1][i] = (argb[i] >> 8) & 0xff;
      planes[2][i] = argb[i] & 0xff;
    }
    return planes;
  }

  /** Separable antialiased bilinear resize of one plane. */
  static float[] resize(float[] src, int sw, int sh, int dw, int dh) {
    float[] horizontal = new float[dw * sh];
    Coefficients cx = Coefficients.of(sw, dw);
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < dw; x++) {
        double acc = 0;
        for (int k = 0; k < cx.count[x]; k++) {
          acc += cx.weights[x][k] * src[y * sw + cx.first[x] + k];
        }
        horizontal[y * dw + x] = (float) acc;
      }
    }
    float[] out = new float[dw * dh];
    Coefficients cy = Coefficients.of(sh, dh);
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        double acc = 0;
        for (int k = 0; k < cy.count[y]; k++) {
          acc += cy.weights[y][k] * horizontal[(cy.first[y] + k) * dw + x];
        }
        out[y * dw + x] = (float) acc;
      }
    }
    return out;
  }

  /** Triangle-filter taps per output index (PIL's {@code precompute_coeffs}, bilinear). */
  private record Coefficients(int[] first, int[] count, double[][] weights) {
    static Coefficients of(int in, int out) {
      double scale = (double) in / out;
      double support = Math.max(scale, 1.0);
      int[] first = new int[out];
      int[] count = new int[out];
      double[][] weights = new double[out][];
      for (int i = 0; i < out; i++) {
        double centre = (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
        int hi = Math.min(in, (int) Math.floor(centre + support + 0.5));
        double[] w = new double[Math.max(1, hi - lo)];
        double sum = 0;
        for (int j = lo; j < hi; j++) {
          double d = Math.abs((j + 0.5 - centre) / support);
          w[j - lo] = Math.max(0, 1 - d);
          sum += w[j - lo];
        }
        if (sum == 0) { // cannot happen for in, out >= 1, but never divide by zero
          w[0] = 1;
          sum = 1;
          hi = lo + 1;
        }
        for (int k = 0; k < w.length; k++) {
          w[k] /= sum;
        }
        first[i] = lo;
        count[i] = hi - lo;
        weights[i] = w;
      }
      return new Coefficients(first, count, weights);
    }
  }
}
