package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * Slice: along each sliced axis a, Y[.., j, ..] = X[.., p_a(j), ..] with p_a = Slice(0, 1, ..., L_a - 1) the
 * positions the node keeps (start, end, step as given, clamped by ONNX's rules). So dL/dX is dL/dY put back at
 * those positions and zero elsewhere: one ScatterElements per sliced axis, innermost listed axis first, each
 * widening one axis from m_a to L_a. The positions are computed at run time by slicing a Range with the node's
 * own starts, ends and steps, so starts and ends may come from shape arithmetic (Swin's crop to H x W).
 */
final class SliceVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    for (int i = 1; i < 5; i++) {
      if (n.needsGradient(i)) {
        throw n.unsupported("starts, ends, axes or steps computed from the input are not supported");
      }
    }
    if (!n.needsGradient(0)) {
      return;
    }
    int rank = n.inShape(0).length;
    long[] axes = axes(n, rank);
    String x = n.in(0);
    String zero = b.longs(0);
    String one = b.longs(1);
    String g = n.gradient(0);
    for (int i = axes.length - 1; i >= 0; i--) {
      int a = (int) axes[i];
      String length = b.op("Slice", List.of(b.shapeOf(x), b.longs(a), b.longs(a + 1))); // [L_a]
      String range = b.op("Range", List.of(b.constantLongs(new long[] {0}), b.op("Squeeze", List.of(length, zero)),
          b.constantLongs(new long[] {1}))); // 0 .. L_a - 1
      List<String> sliceInputs = List.of(range, element(b, n.in(1), i), element(b, n.in(2), i), zero,
          n.in(4).isEmpty() ? one : element(b, n.in(4), i));
      String positions = b.op("Slice", sliceInputs); // [m_a]
      long[] column = new long[rank]; // [1, .., m_a, .., 1]
      java.util.Arrays.fill(column, 1);
      column[a] = -1;
      String shape = b.op("Shape", List.of(g));
      String indices = b.op("Expand", List.of(b.op("Reshape", List.of(positions, b.longs(column))), shape));
      String widened = b.zeros(b.withDimension(shape, a, rank, length));
      g = b.op("ScatterElements", List.of(widened, indices, g), GraphBuilder.attr("axis", a));
    }
    n.addGradient(0, g);
  }

  /** Element i of a 1-D int tensor, as a 1-D tensor of one element. */
  private static String element(GraphBuilder b, String tensor, int i) {
    return b.op("Slice", List.of(tensor, b.longs(i), b.longs(i + 1)));
  }

  /** The sliced axes, non-negative; 0 .. k-1 when the axes input is absent. */
  private static long[] axes(OpNode n, int rank) {
    if (n.in(3).isEmpty()) {
      long[] axes = new long[(int) n.inShape(1)[0]];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
      return axes;
    }
    TensorProto t = n.constantTensor(3);
    long[] axes = Tensors.toLongs(t);
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
    }
    return axes;
  }
}
