package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Gemm: Y = alpha A'B' + beta C with A' = transA ? A^T : A and B' = transB ? B^T : B. Then
 * dL/dA' = alpha G B'^T and dL/dB' = alpha A'^T G, transposed back where A or B was transposed;
 * dL/dC = beta G summed over the axes C was broadcast along.
 */
final class GemmVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    String g = n.gradient(0);
    float alpha = n.attrFloat("alpha", 1f);
    if (n.needsGradient(2)) {
      float beta = n.attrFloat("beta", 1f);
      String scaled = beta == 1f ? g : b.op("Mul", List.of(g, b.scalar(beta)));
      n.addGradient(2, Broadcast.reduceTo(b, scaled, n.outShape(0), n.inShape(2), n.in(2)));
    }
    long transA = n.attrInt("transA", 0);
    long transB = n.attrInt("transB", 0);
    if (n.needsGradient(0)) {
      String dA = transA == 0
          ? gemm(b, g, n.in(1), alpha, 0, 1 - transB) // dA = alpha G B'^T
          : gemm(b, n.in(1), g, alpha, transB, 1); // dA = (alpha G B'^T)^T = alpha B' G^T
      n.addGradient(0, dA);
    }
    if (n.needsGradient(1)) {
      String dB = transB == 0
          ? gemm(b, n.in(0), g, alpha, 1 - transA, 0) // dB = alpha A'^T G
          : gemm(b, g, n.in(0), alpha, 1, transA); // dB = (alpha A'^T G)^T = alpha G^T A'
      n.addGradient(1, dB);
    }
  }

  private static String gemm(GraphBuilder b, String p, String q, float alpha, long transP, long transQ) {
    return b.op("Gemm", List.of(p, q), GraphBuilder.attr("alpha", alpha), GraphBuilder.attr("transA", transP),
        GraphBuilder.attr("transB", transQ));
  }
}
