package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Erf (exact GELU exports as X/2 (1 + erf(X/sqrt 2))): d erf(X)/dX = 2/sqrt(pi) exp(-X^2), so
 * dL/dX = G 2/sqrt(pi) exp(-X^2).
 */
final class ErfVjp implements Vjp {

  private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    String x = n.in(0);
    String density = b.op("Exp", List.of(b.op("Neg", List.of(b.op("Mul", List.of(x, x))))));
    n.addGradient(0, b.op("Mul", List.of(n.gradient(0), b.op("Mul", List.of(density,
        b.scalar(TWO_OVER_SQRT_PI))))));
  }
}
