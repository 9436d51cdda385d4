package dev.vigil.saliency.autodiff;

import java.util.List;

/** Tanh (MaxViT's pre-logits): Y = tanh(X), dY/dX = 1 - Y^2, so dL/dX = G (1 - Y^2). */
final class TanhVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    String y = n.out(0);
    n.addGradient(0, b.op("Mul", List.of(n.gradient(0), b.op("Sub", List.of(b.scalar(1f),
        b.op("Mul", List.of(y, y)))))));
  }
}
