package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Conv: Y = W * X (+ B), a cross-correlation. Its adjoint in X is the transposed convolution with the same W,
 * strides, dilations, pads and groups: dL/dX = ConvTranspose(dL/dY, W). Weights have shape
 * [M, C/group, k...], which is exactly ConvTranspose's [C_in, C_out/group, k...] for the reverse direction.
 *
 * <p>With stride 1 the adjoint is also an ordinary Conv ("full" correlation) of dL/dY with the kernel flipped in
 * space and its channel axes swapped per group, W'[c, m, k] = W[m, c, K-1-k], padded by (K-1)d - p on each side;
 * ONNX Runtime runs Conv with its blocked (NCHWc) kernels, noticeably faster than ConvTranspose.
 */
final class ConvVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(1) || n.needsGradient(2)) {
      throw n.unsupported("weights or bias computed from the input are not supported");
    }
    if (!n.needsGradient(0)) {
      return;
    }
    long[] x = n.inShape(0); // [N, C, I...]
    long[] w = n.inShape(1); // [M, C/group, k...]
    long[] y = n.outShape(0); // [N, M, O...]
    long[] kernel = SpatialWindow.spatial(w);
    SpatialWindow window = SpatialWindow.of(n, kernel, SpatialWindow.spatial(x), SpatialWindow.spatial(y));
    long group = n.attrInt("group", 1);
    long[] fullPads = fullCorrelationPads(window);
    if (fullPads != null && n.isConstant(1)) {
      String flipped = b.constant(flipAndSwap(n.constant(1), w, group), flippedDims(w, group));
      n.addGradient(0, b.op("Conv", List.of(n.gradient(0), flipped),
          GraphBuilder.attr("kernel_shape", kernel), GraphBuilder.attr("dilations", window.dilations()),
          GraphBuilder.attr("pads", fullPads), GraphBuilder.attr("group", group)));
      return;
    }
    String dLdX = b.op("ConvTranspose", List.of(n.gradient(0), n.in(1)),
        window.adjoint(SpatialWindow.spatial(x), SpatialWindow.spatial(y), group));
    n.addGradient(0, dLdX);
  }

  /** Pads (K-1)d - p of the full correlation, or null when a stride is not 1 or a pad exceeds (K-1)d. */
  private static long[] fullCorrelationPads(SpatialWindow win) {
    int r = win.kernel().length;
    long[] pads = new long[2 * r];
    for (int i = 0; i < r; i++) {
      long reach = (win.kernel()[i] - 1) * win.dilations()[i];
      pads[i] = reach - win.padsBegin()[i];
      pads[r + i] = reach - win.padsEnd()[i];
      if (win.strides()[i] != 1 || pads[i] < 0 || pads[r + i] < 0) {
        return null;
      }
    }
    return pads;
  }

  /** Shape of W': [C, M/group, k...]. */
  private static long[] flippedDims(long[] w, long group) {
    long[] d = w.clone();
    d[0] = w[1] * group;
    d[1] = w[0] / group;
    return d;
  }

  /** W'[j*Cg + c, m, k] = W[j*Mg + m, c, K-1-k] for group j, Cg = C/group and Mg = M/group input/output channels. */
  static float[] flipAndSwap(float[] weights, long[] w, long group) {
    int mg = (int) (w[0] / group);
    int cg = (int) w[1];
    int area = (int) Tensors.numel(SpatialWindow.spatial(w));
    float[] flipped = new float[weights.length];
    for (int j = 0; j < group; j++) {
      for (int m = 0; m < mg; m++) {
        for (int c = 0; c < cg; c++) {
          int from = ((j * mg + m) * cg + c) * area;
          int to = ((j * cg + c) * mg + m) * area;
          for (int k = 0; k < area; k++) {
            flipped[to + k] = weights[from + area - 1 - k]; // flipping every spatial axis reverses the flat order
          }
        }
      }
    }
    return flipped;
  }
}
