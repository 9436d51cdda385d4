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
 *
 * <p>For training, dL/dW[m, c, k] = sum over n and o of G[n, m, o] X[n, c, s o + d k - p]: a correlation of the
 * input with the gradient, which is itself a Conv once batch and channel axes swap places (X^T is [C, N, I...],
 * G^T is [M, N, O...] used as the kernel) with the roles of stride and dilation exchanged. It yields at least k
 * positions per axis (more where floor division dropped input rows); the first k are the gradient.
 * dL/dB = G summed over batch and space.
 */
final class ConvVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    long[] x = n.inShape(0); // [N, C, I...]
    long[] w = n.inShape(1); // [M, C/group, k...]
    long[] y = n.outShape(0); // [N, M, O...]
    long[] kernel = SpatialWindow.spatial(w);
    SpatialWindow window = SpatialWindow.of(n, kernel, SpatialWindow.spatial(x), SpatialWindow.spatial(y));
    long group = n.attrInt("group", 1);
    if (n.needsGradient(1)) {
      if (group != 1) {
        throw n.unsupported("weight gradients of grouped convolutions (group=" + group + ") are not supported");
      }
      n.addGradient(1, weightGradient(n, b, window, x, y));
    }
    if (n.needsGradient(2)) {
      long[] axes = new long[y.length - 1]; // every axis but the output channel's
      axes[0] = 0;
      for (int a = 2; a < y.length; a++) {
        axes[a - 1] = a;
      }
      n.addGradient(2, b.reduceSum(n.gradient(0), axes, false));
    }
    if (!n.needsGradient(0)) {
      return;
    }
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

  private static String weightGradient(OpNode n, GraphBuilder b, SpatialWindow window, long[] x, long[] y) {
    long[] swap = new long[x.length];
    for (int a = 0; a < swap.length; a++) {
      swap[a] = a;
    }
    swap[0] = 1;
    swap[1] = 0;
    int r = window.kernel().length;
    long[] pads = new long[2 * r];
    boolean larger = false;
    long[] reach = new long[r];
    for (int i = 0; i < r; i++) {
      pads[i] = window.padsBegin()[i];
      pads[r + i] = window.padsEnd()[i];
      long in = x[2 + i] + pads[i] + pads[r + i];
      reach[i] = (in - window.strides()[i] * (y[2 + i] - 1) - 1) / window.dilations()[i] + 1;
      larger |= reach[i] > window.kernel()[i];
    }
    String xt = b.op("Transpose", List.of(n.in(0)), GraphBuilder.attr("perm", swap));
    String gt = b.op("Transpose", List.of(n.gradient(0)), GraphBuilder.attr("perm", swap));
    String correlation = b.op("Conv", List.of(xt, gt), GraphBuilder.attr("strides", window.dilations()),
        GraphBuilder.attr("dilations", window.strides()), GraphBuilder.attr("pads", pads)); // [C, M, k'...]
    if (larger) {
      long[] axes = new long[r];
      for (int i = 0; i < r; i++) {
        axes[i] = 2 + i;
      }
      correlation = b.op("Slice", List.of(correlation, b.longs(new long[r]), b.longs(window.kernel()),
          b.longs(axes)));
    }
    return b.op("Transpose", List.of(correlation), GraphBuilder.attr("perm", swap));
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
