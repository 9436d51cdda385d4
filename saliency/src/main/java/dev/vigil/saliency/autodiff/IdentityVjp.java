package dev.vigil.saliency.autodiff;

/** Identity (and inference-time Dropout): dL/dX = dL/dY. */
final class IdentityVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    n.addGradient(0, n.gradient(0));
  }
}
