package dev.vigil.saliency.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * Pad (mode "constant", non-negative pads): Y embeds X at offset p_begin, so dL/dX is the window of dL/dY at
 * [p_begin, p_begin + shape(X)) on every padded axis (PyTorch exports AvgPool2d this way). Constant pads give a
 * static Slice; pads computed from shapes are read at run time.
 */
final class PadVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.attrString("mode", "constant").equals("constant")) {
      throw n.unsupported("only mode=constant padding is supported");
    }
    if (!n.in(3).isEmpty()) {
      throw n.unsupported("the axes input is not supported");
    }
    long[] x = n.inShape(0);
    int r = x.length;
    if (n.needsGradient(1) || n.needsGradient(2)) {
      throw n.unsupported("pads or a value computed from the input are not supported");
    }
    if (!n.isConstant(1)) {
      n.addGradient(0, computedPadsWindow(n, b, r));
      return;
    }
    long[] pads = Tensors.toLongs(n.constantTensor(1));
    List<Long> axes = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    for (int a = 0; a < r; a++) {
      if (pads[a] < 0 || pads[r + a] < 0) {
        throw n.unsupported("negative pads (cropping) are not supported");
      }
      if (pads[a] != 0 || pads[r + a] != 0) {
        if (a == 0) {
          throw n.unsupported("padding the batch axis is not supported");
        }
        axes.add((long) a);
        starts.add(pads[a]);
        ends.add(pads[a] + x[a]);
      }
    }
    if (axes.isEmpty()) {
      n.addGradient(0, n.gradient(0));
      return;
    }
    n.addGradient(0, b.op("Slice", List.of(n.gradient(0), b.longs(unbox(starts)), b.longs(unbox(ends)),
        b.longs(unbox(axes)))));
  }

  /**
   * Pads computed at run time (Swin pads H and W up to a multiple of its window from shape arithmetic): the window
   * of dL/dY from p_begin to p_begin + shape(X) on every axis, read from the pads tensor itself.
   */
  private static String computedPadsWindow(OpNode n, GraphBuilder b, int r) {
    String begin = b.op("Slice", List.of(n.in(1), b.longs(0), b.longs(r)));
    String end = b.op("Add", List.of(begin, b.shapeOf(n.in(0))));
    long[] axes = new long[r];
    for (int a = 0; a < r; a++) {
      axes[a] = a;
    }
    return b.op("Slice", List.of(n.gradient(0), begin, end, b.longs(axes)));
  }

  private static long[] unbox(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }
}
