package dev.vigil.saliency.autodiff;

/**
 * Expand: Y = X broadcast to a shape, every element of X copied along the broadcast axes, so dL/dX is dL/dY summed
 * over them ({@link Broadcast}).
 */
final class ExpandVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(0)) {
      n.addGradient(0, Broadcast.reduceTo(b, n.gradient(0), n.outShape(0), n.inShape(0), n.in(0)));
    }
  }
}
