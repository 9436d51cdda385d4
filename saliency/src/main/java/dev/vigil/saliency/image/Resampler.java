package dev.vigil.saliency.image;

/**
 * Separable bilinear (triangle filter) resampling of planar float images, the algorithm of
 * Pillow's {@code ImagingResample} ({@code libImaging/Resample.c}, {@code precompute_coeffs}):
 * pixel centres at {@code i + 0.5}, and when shrinking the filter support widens by the scale
 * factor, so downscaling averages every source pixel instead of aliasing. That is the "bilinear"
 * torchvision applies to PIL images, so a model sees what it saw in training. Unlike Pillow the
 * intermediate pass is kept in float (no rounding to 8 bits).
 */
final class Resampler {
  private Resampler() {}

  /**
   * Resamples the box {@code [x0, x1) x [y0, y1)} of each {@code sw x sh} plane of {@code src} to
   * {@code dw x dh}.
   *
   * @param src {@code planes} planes of {@code sw * sh} values, row-major
   * @return {@code planes} planes of {@code dw * dh} values
   */
  static float[] resample(
      float[] src,
      int planes,
      int sw,
      int sh,
      double x0,
      double y0,
      double x1,
      double y1,
      int dw,
      int dh) {
    Coeffs cx = Coeffs.of(sw, dw, x0, x1);
    Coeffs cy = Coeffs.of(sh, dh, y0, y1);
    float[] tmp = new float[planes * sh * dw]; // horizontal pass: sh rows of dw
    for (int p = 0; p < planes; p++) {
      int srcPlane = p * sw * sh;
      int tmpPlane = p * sh * dw;
      for (int y = 0; y < sh; y++) {
        int srcRow = srcPlane + y * sw;
        for (int x = 0; x < dw; x++) {
          double acc = 0;
          int start = cx.start[x];
          for (int k = 0; k < cx.count[x]; k++) {
            acc += cx.weight[x][k] * src[srcRow + start + k];
          }
          tmp[tmpPlane + y * dw + x] = (float) acc;
        }
      }
    }
    float[] out = new float[planes * dh * dw];
    for (int p = 0; p < planes; p++) {
      int tmpPlane = p * sh * dw;
      int outPlane = p * dh * dw;
      for (int y = 0; y < dh; y++) {
        int start = cy.start[y];
        for (int x = 0; x < dw; x++) {
          double acc = 0;
          for (int k = 0; k < cy.count[y]; k++) {
            acc += cy.weight[y][k] * tmp[tmpPlane + (start + k) * dw + x];
          }
          out[outPlane + y * dw + x] = (float) acc;
        }
      }
    }
    return out;
  }

  /** Per output index: first input index, number of taps, normalised weights. */
  static final class Coeffs {
    final int[] start;
    final int[] count;
    final double[][] weight;

    private Coeffs(int n) {
      start = new int[n];
      count = new int[n];
      weight = new double[n][];
    }

    static Coeffs of(int inSize, int outSize, double in0, double in1) {
      double scale = (in1 - in0) / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = 1.0 * filterScale; // the triangle filter's support is 1
      double ss = 1.0 / filterScale;
      Coeffs c = new Coeffs(outSize);
      for (int i = 0; i < outSize; i++) {
        double center = in0 + (i + 0.5) * scale;
        int xmin = Math.max(0, (int) Math.floor(center - support + 0.5));
        int xmax = Math.min(inSize, (int) Math.floor(center + support + 0.5));
        if (xmax <= xmin) { // box entirely outside the image: take the nearest edge pixel
          xmin = Math.min(Math.max(0, (int) Math.floor(center)), inSize - 1);
          xmax = xmin + 1;
        }
        double[] w = new double[xmax - xmin];
        double sum = 0;
        for (int x = xmin; x < xmax; x++) {
          double t = Math.abs((x - center + 0.5) * ss);
          double v = t < 1.0 ? 1.0 - t : 0.0;
          w[x - xmin] = v;
          sum += v;
        }
        if (sum == 0) {
          w[0] = 1;
          sum = 1;
        }
        for (int k = 0; k < w.length; k++) {
          w[k] /= sum;
        }
        c.start[i] = xmin;
        c.count[i] = w.length;
        c.weight[i] = w;
      }
      return c;
    }
  }
}
