package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * ReduceMean: Y = mean of X over some axes. Every reduced element contributed 1/m of its mean, m = |X| / |Y|, so
 * dL/dX = broadcast(dL/dY) / m. Training-mode batch normalization, written out as ReduceMean/Sub/Mul/Sqrt/Div,
 * needs it: its mean and variance depend on every image of the batch.
 */
final class ReduceMeanVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(1)) {
      throw n.unsupported("axes computed from the input are not supported");
    }
    if (!n.needsGradient(0)) {
      return;
    }
    String g = withReducedAxes(n, b, n.gradient(0));
    String spread = b.op("Expand", List.of(g, b.shapeOf(n.in(0))));
    // m at run time: the batch axis may be among the reduced ones.
    String m = b.op("Div", List.of(b.op("Size", List.of(n.in(0))), b.op("Size", List.of(n.out(0)))));
    String mFloat = b.op("Cast", List.of(m), GraphBuilder.attr("to", TensorProto.DataType.FLOAT.getNumber()));
    n.addGradient(0, b.op("Div", List.of(spread, mFloat)));
  }

  /** {@code t}, shaped like the node's output, back at rank r with ones at the reduced axes (keepdims=0). */
  static String withReducedAxes(OpNode n, GraphBuilder b, String t) {
    if (n.attrInt("keepdims", 1) != 0) {
      return t;
    }
    return b.op("Unsqueeze", List.of(t, b.longs(axes(n, n.inShape(0).length))));
  }

  /** The reduced axes, non-negative and sorted; all of them when none are given. */
  private static long[] axes(OpNode n, int rank) {
    long[] axes = n.in(1).isEmpty() ? n.attrInts("axes", new long[0])
        : Tensors.toLongs(n.constantTensor(1));
    if (axes.length == 0) {
      axes = new long[rank];
      for (int a = 0; a < rank; a++) {
        axes[a] = a;
      }
    }
    return java.util.Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
  }
}
