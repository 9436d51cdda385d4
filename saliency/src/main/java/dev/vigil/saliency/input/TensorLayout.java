package dev.vigil.saliency.input;

import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.image.DecodedImage;
import dev.vigil.saliency.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fixes the layout and dtype of an n-dimensional array sent as a model input (a NumPy file, a
 * nested JSON array, a KServe v2 or Triton tensor) and splits a batch into one input per sample.
 *
 * <p>Layouts: H x W (grey), H x W x C, C x H x W, N x H x W x C, N x C x H x W, where C is 1, 3
 * or 4. Channels-last is preferred when the last dimension could be C (an image is far more often
 * H x W x 3 than 3 x H x 3). Integer arrays are pixels: each sample becomes an 8-bit image (grey
 * replicated, alpha dropped, values clamped to 0..255) that the endpoint's pre-processing then
 * applies to. Float arrays are already model input: each sample becomes a 1 x C x H x W float32
 * tensor, transposed from channels-last when needed.
 */
final class TensorLayout {
  private TensorLayout() {}

  /** A sample count and its geometry, read from a shape. */
  record Layout(int n, int c, int h, int w, boolean channelsLast) {}

  /**
   * The layout of {@code shape}.
   *
   * @throws ImageDecodeException naming the shape when no image layout fits it
   */
  static Layout of(int[] shape, String name) {
    switch (shape.length) {
      case 2:
        return new Layout(1, 1, shape[0], shape[1], true);
      case 3:
        if (isChannels(shape[2])) {
          return new Layout(1, shape[2], shape[0], shape[1], true);
        }
        if (isChannels(shape[0])) {
          return new Layout(1, shape[0], shape[1], shape[2], false);
        }
        break;
      case 4:
        if (isChannels(shape[3])) {
          return new Layout(shape[0], shape[3], shape[1], shape[2], true);
        }
        if (isChannels(shape[1])) {
          return new Layout(shape[0], shape[1], shape[2], shape[3], false);
        }
        break;
      default:
        break;
    }
    throw new ImageDecodeException(name + ": shape " + Arrays.toString(shape)
        + " is not an image layout (H x W, H x W x C, C x H x W, N x H x W x C or N x C x H x W, C = 1, 3 or 4)");
  }

  private static boolean isChannels(int d) {
    return d == 1 || d == 3 || d == 4;
  }

  /**
   * One input per sample of an array.
   *
   * @param shape the array's shape
   * @param data its values, row-major
   * @param integral whether the dtype is an integer type (pixels) rather than floating point
   * @param format what to call it, e.g. {@code npy(|u1)}; the layout is appended
   */
  static List<DecodedInput> split(int[] shape, float[] data, boolean integral, String format, String name) {
    Layout l = of(shape, name);
    long expected = (long) l.n() * l.c() * l.h() * l.w();
    if (expected != data.length) {
      throw new ImageDecodeException(name + ": shape " + Arrays.toString(shape) + " needs " + expected
          + " values, got " + data.length);
    }
    if (l.h() < 1 || l.w() < 1 || l.n() < 1) {
      throw new ImageDecodeException(name + ": empty array of shape " + Arrays.toString(shape));
    }
    String code = format + " " + (l.channelsLast() ? (shape.length == 4 ? "NHWC" : shape.length == 2 ? "HW" : "HWC")
        : (shape.length == 4 ? "NCHW" : "CHW"));
    int per = l.c() * l.h() * l.w();
    List<DecodedInput> out = new ArrayList<>(l.n());
    for (int i = 0; i < l.n(); i++) {
      float[] chw = toChw(data, i * per, l);
      String sample = l.n() > 1 ? name + "[" + i + "]" : name;
      out.add(integral
          ? new DecodedInput(code, i, new DecodedImage(sample, image(chw, l)), null)
          : new DecodedInput(code, i, null, new ImageTensor(chw, 1, l.c(), l.h(), l.w())));
    }
    return out;
  }

  /** One sample's values as C x H x W. */
  private static float[] toChw(float[] data, int offset, Layout l) {
    int c = l.c();
    int hw = l.h() * l.w();
    float[] out = new float[c * hw];
    if (!l.channelsLast()) {
      System.arraycopy(data, offset, out, 0, out.length);
      return out;
    }
    for (int p = 0; p < hw; p++) {
      for (int ch = 0; ch < c; ch++) {
        out[ch * hw + p] = data[offset + p * c + ch];
      }
    }
    return out;
  }

  /** 8-bit sRGB pixels from C x H x W values: grey replicated, a fourth channel (alpha) dropped. */
  private static BufferedImage image(float[] chw, Layout l) {
    int w = l.w();
    int h = l.h();
    int hw = w * h;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        int r = clamp(chw[p]);
        int g = l.c() >= 3 ? clamp(chw[hw + p]) : r;
        int b = l.c() >= 3 ? clamp(chw[2 * hw + p]) : r;
        row[x] = (r << 16) | (g << 8) | b;
      }
      img.setRGB(0, y, w, 1, row, 0, w);
    }
    return img;
  }

  private static int clamp(float v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
}
