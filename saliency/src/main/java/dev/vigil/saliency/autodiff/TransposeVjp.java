package dev.vigil.saliency.autodiff;

import java.util.List;

/** Transpose: Y = X permuted by p, so dL/dX = dL/dY permuted by p^-1 (p^-1[p[i]] = i). */
final class TransposeVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    int rank = n.inShape(0).length;
    long[] p = n.attrInts("perm", null);
    if (p == null) { // default: reverse the axes
      p = new long[rank];
      for (int i = 0; i < rank; i++) {
        p[i] = rank - 1 - i;
      }
    }
    long[] inverse = new long[rank];
    for (int i = 0; i < rank; i++) {
      inverse[(int) p[i]] = i;
    }
    n.addGradient(0, b.op("Transpose", List.of(n.gradient(0)), GraphBuilder.attr("perm", inverse)));
  }
}
