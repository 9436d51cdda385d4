package dev.vigil.saliency;

import java.util.Arrays;

/**
 * A batch of pre-processed images in NCHW layout, float32: {@code data[((i*c + ch)*h + y)*w + x]}.
 *
 * <p>The array is not copied (it may be large); callers must not modify it afterwards.
 *
 * @param data N*C*H*W values
 * @param n batch size, at least 1
 * @param c channels, at least 1
 * @param h height, at least 1
 * @param w width, at least 1
 */
public record ImageTensor(float[] data, int n, int c, int h, int w) {

  /** @throws IllegalArgumentException when a dimension is not positive or data has the wrong length */
  public ImageTensor {
    if (data == null) {
      throw new IllegalArgumentException("image tensor data is null");
    }
    if (n < 1 || c < 1 || h < 1 || w < 1) {
      throw new IllegalArgumentException(String.format(
          "image tensor dimensions must be positive, got N x C x H x W = %d x %d x %d x %d", n, c, h, w));
    }
    long expected = (long) n * c * h * w;
    if (expected != data.length) {
      throw new IllegalArgumentException(String.format(
          "image tensor %d x %d x %d x %d needs %d values but has %d", n, c, h, w, expected, data.length));
    }
  }

  /** Number of values of one image, C*H*W. */
  public int imageSize() {
    return c * h * w;
  }

  /** Images {@code [from, to)} of this batch as a new tensor (copied). */
  public ImageTensor slice(int from, int to) {
    if (from < 0 || to > n || from >= to) {
      throw new IllegalArgumentException("bad image range [" + from + ", " + to + ") of a batch of " + n);
    }
    return new ImageTensor(Arrays.copyOfRange(data, from * imageSize(), to * imageSize()), to - from, c, h, w);
  }

  /** The shape as ONNX Runtime wants it. */
  public long[] shape() {
    return new long[] {n, c, h, w};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageTensor t && t.n == n && t.c == c && t.h == h && t.w == w
        && Arrays.equals(t.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape()) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "ImageTensor[" + n + "x" + c + "x" + h + "x" + w + "]";
  }
}
