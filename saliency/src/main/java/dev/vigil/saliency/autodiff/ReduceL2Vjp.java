package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * ReduceL2 (F.normalize in Swin v2's cosine attention): Y = sqrt(sum over the axes of X^2), so dY/dX = X / Y and
 * dL/dX = broadcast(G) X / broadcast(Y), taken as 0 where Y = 0 (as PyTorch's norm backward does).
 */
final class ReduceL2Vjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(1)) {
      throw n.unsupported("axes computed from the input are not supported");
    }
    if (!n.needsGradient(0)) {
      return;
    }
    String g = ReduceMeanVjp.withReducedAxes(n, b, n.gradient(0));
    String y = ReduceMeanVjp.withReducedAxes(n, b, n.out(0));
    String zero = b.scalar(0f);
    String ratio = b.op("Where", List.of(b.op("Greater", List.of(y, zero)), b.op("Div", List.of(n.in(0), y)), zero));
    n.addGradient(0, b.op("Mul", List.of(g, ratio)));
  }
}
