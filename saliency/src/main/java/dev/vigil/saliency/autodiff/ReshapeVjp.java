package dev.vigil.saliency.autodiff;

/**
 * Flatten, Reshape, Squeeze, Unsqueeze: the values are unchanged and only the shape moves, so
 * dL/dX = Reshape(dL/dY, shape(X)).
 */
final class ReshapeVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(0)) {
      n.addGradient(0, b.reshapeLike(n.gradient(0), n.in(0)));
    }
  }
}
