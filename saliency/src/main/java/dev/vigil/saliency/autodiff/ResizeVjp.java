package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Resize of the two spatial axes of N x C x H x W in mode "nearest" or "linear" (no antialias): each output row is a
 * fixed linear combination of input rows, Y = R_h X R_w^T per image and channel, with R_h (H' x H) and R_w (W' x W)
 * the interpolation matrices of the node's coordinate transformation (half_pixel, pytorch_half_pixel,
 * align_corners, asymmetric) and nearest rounding. So dL/dX = R_h^T G R_w: two MatMuls with constants.
 */
final class ResizeVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    long[] x = n.inShape(0);
    long[] y = n.outShape(0);
    String mode = n.attrString("mode", "nearest");
    String transform = n.attrString("coordinate_transformation_mode", "half_pixel");
    if (x.length != 4 || y[1] != x[1] || !(mode.equals("nearest") || mode.equals("linear"))
        || n.attrInt("antialias", 0) != 0 || n.attribute("axes") != null
        || !List.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric").contains(transform)) {
      throw n.unsupported("only nearest or linear resizing of the spatial axes of N x C x H x W, without antialias, "
          + "with coordinate_transformation_mode half_pixel, pytorch_half_pixel, align_corners or asymmetric is "
          + "supported");
    }
    double[] scales = {y[2] / (double) x[2], y[3] / (double) x[3]};
    if (!n.in(2).isEmpty() && n.isConstant(2) && n.constant(2).length == 4) {
      float[] given = n.constant(2); // the formulas use the given scales, not the size ratio
      scales = new double[] {given[2], given[3]};
    }
    String nearest = n.attrString("nearest_mode", "round_prefer_floor");
    float[] rh = matrix(mode, transform, nearest, (int) x[2], (int) y[2], scales[0], false);
    float[] rwT = matrix(mode, transform, nearest, (int) x[3], (int) y[3], scales[1], true);
    String rows = b.op("MatMul", List.of(n.gradient(0), b.constant(rwT, y[3], x[3]))); // G R_w: [N, C, H', W]
    n.addGradient(0, b.op("MatMul", List.of(b.constant(rh, x[2], y[2]), rows))); // R_h^T (G R_w)
  }

  /**
   * The interpolation matrix R of one axis, R[o][i] = weight of input i in output o, laid out out x in when
   * {@code outByIn} (R_w for G R_w) and in x out otherwise (R_h^T).
   */
  static float[] matrix(String mode, String transform, String nearest, int in, int out, double scale,
      boolean outByIn) {
    float[] m = new float[in * out];
    for (int o = 0; o < out; o++) {
      double xo = switch (transform) {
        case "align_corners" -> out == 1 ? 0 : o * (in - 1) / (double) (out - 1);
        case "asymmetric" -> o / scale;
        case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
        default -> (o + 0.5) / scale - 0.5; // half_pixel
      };
      if (mode.equals("nearest")) {
        long i = switch (nearest) {
          case "floor" -> (long) Math.floor(xo);
          case "ceil" -> (long) Math.ceil(xo);
          case "round_prefer_ceil" -> (long) Math.floor(xo + 0.5);
          default -> (long) Math.ceil(xo - 0.5); // round_prefer_floor
        };
        add(m, o, (int) Math.max(0, Math.min(in - 1, i)), 1, in, out, outByIn);
      } else {
        double c = Math.max(0, Math.min(in - 1, xo));
        int i0 = (int) Math.floor(c);
        int i1 = Math.min(i0 + 1, in - 1);
        double fraction = c - i0;
        add(m, o, i0, 1 - fraction, in, out, outByIn);
        add(m, o, i1, fraction, in, out, outByIn);
      }
    }
    return m;
  }

  private static void add(float[] m, int o, int i, double w, int in, int out, boolean outByIn) {
    m[outByIn ? o * in + i : i * out + o] += (float) w;
  }
}
