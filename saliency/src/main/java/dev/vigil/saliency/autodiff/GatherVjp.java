package dev.vigil.saliency.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * Gather along axis a: Y[i_0..i_{a-1}, j, i_{a+1}..] = X[i_0..i_{a-1}, idx[j], i_{a+1}..] for every position j of
 * the index tensor. So dL/dX[.., k, ..] = sum over j with idx[j] = k of dL/dY[.., j, ..]: the index axes of
 * dL/dY are flattened to one axis of q = |idx| entries and scattered with ScatterElements(reduction "add") into
 * zeros shaped like X (ViT's class token x[:, 0], the q/k/v picks of multi-head attention). Indices are read at
 * run time; they must not depend on the input.
 */
final class GatherVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    long[] x = n.inShape(0);
    int rank = x.length;
    long axis = n.attrInt("axis", 0);
    int a = (int) (axis < 0 ? axis + rank : axis);
    long q = Tensors.numel(n.inShape(1));
    String shapeX = b.shapeOf(n.in(0));
    // dL/dY as X's rank with the index axes merged: [d_0..d_{a-1}, q, d_{a+1}..]
    String merged = b.withDimension(shapeX, a, rank, b.longs(q));
    String g = b.op("Reshape", List.of(n.gradient(0), merged));
    long[] column = new long[rank];
    Arrays.fill(column, 1);
    column[a] = q;
    String indices = b.op("Expand", List.of(b.op("Reshape", List.of(n.in(1), b.longs(column))), merged));
    n.addGradient(0, b.op("ScatterElements", List.of(b.zeros(shapeX), indices, g), GraphBuilder.attr("axis", a),
        GraphBuilder.attr("reduction", "add")));
  }
}
