package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * MatMul (rank 2 and up, batch dimensions broadcast): Y = A B, so dL/dA = G B^T and dL/dB = A^T G, each summed
 * back over the batch dimensions it was broadcast along (^T swaps the last two axes).
 */
final class MatMulVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.inShape(0).length < 2 || n.inShape(1).length < 2) {
      throw n.unsupported("MatMul with a 1-D operand is not supported");
    }
    String g = n.gradient(0);
    if (n.needsGradient(0)) {
      String dA = b.op("MatMul", List.of(g, swapLastAxes(b, n.in(1), n.inShape(1).length)));
      n.addGradient(0, Broadcast.reduceTo(b, dA, n.outShape(0), n.inShape(0), n.in(0)));
    }
    if (n.needsGradient(1)) {
      String dB = b.op("MatMul", List.of(swapLastAxes(b, n.in(0), n.inShape(0).length), g));
      n.addGradient(1, Broadcast.reduceTo(b, dB, n.outShape(0), n.inShape(1), n.in(1)));
    }
  }

  private static String swapLastAxes(GraphBuilder b, String x, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return b.op("Transpose", List.of(x), GraphBuilder.attr("perm", perm));
  }
}
