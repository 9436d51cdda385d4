package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Pow with an exponent that does not depend on the input (LayerNorm written out as ReduceMean/Sub/Pow/Sqrt):
 * Y = X^p, so dL/dX = G p X^(p-1), reduced to X's shape where it was broadcast.
 */
final class PowVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(1)) {
      throw n.unsupported("an exponent computed from the input is not supported");
    }
    if (!n.needsGradient(0)) {
      return;
    }
    String p = n.in(1);
    String x = n.in(0);
    String pMinusOne = b.op("Sub", List.of(p, b.op("CastLike", List.of(b.scalar(1f), p))));
    String slope = b.op("Mul", List.of(b.op("CastLike", List.of(p, x)),
        b.op("Pow", List.of(x, pMinusOne))));
    String dLdX = b.op("Mul", List.of(n.gradient(0), slope));
    n.addGradient(0, Broadcast.reduceTo(b, dLdX, n.outShape(0), n.inShape(0), x));
  }
}
