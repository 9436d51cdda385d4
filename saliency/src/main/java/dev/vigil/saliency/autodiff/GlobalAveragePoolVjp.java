package dev.vigil.saliency.autodiff;

import java.util.List;

/** GlobalAveragePool: Y[n,c] = mean over space of X[n,c], so dL/dX = Expand(dL/dY / (H*W), shape(X)). */
final class GlobalAveragePoolVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    long[] x = n.inShape(0); // [N, C, H, W]
    float area = Tensors.numel(SpatialWindow.spatial(x));
    String share = b.op("Mul", List.of(n.gradient(0), b.scalar(1f / area))); // [N, C, 1, 1]
    n.addGradient(0, b.op("Expand", List.of(share, b.shapeOf(n.in(0)))));
  }
}
