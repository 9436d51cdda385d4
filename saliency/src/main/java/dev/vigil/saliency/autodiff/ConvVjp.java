package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Conv: Y = W * X (+ B), a cross-correlation. Its adjoint in X is the transposed convolution with the same W,
 * strides, dilations, pads and groups: dL/dX = ConvTranspose(dL/dY, W). Weights have shape
 * [M, C/group, k...], which is exactly ConvTranspose's [C_in, C_out/group, k...] for the reverse direction.
 */
final class ConvVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.needsGradient(1) || n.needsGradient(2)) {
      throw n.unsupported("weights or bias computed from the input are not supported");
    }
    if (!n.needsGradient(0)) {
      return;
    }
    long[] x = n.inShape(0); // [N, C, I...]
    long[] w = n.inShape(1); // [M, C/group, k...]
    long[] y = n.outShape(0); // [N, M, O...]
    long[] kernel = SpatialWindow.spatial(w);
    SpatialWindow window = SpatialWindow.of(n, kernel, SpatialWindow.spatial(x), SpatialWindow.spatial(y));
    String dLdX = b.op("ConvTranspose", List.of(n.gradient(0), n.in(1)),
        window.adjoint(SpatialWindow.spatial(x), SpatialWindow.spatial(y), n.attrInt("group", 1)));
    n.addGradient(0, dLdX);
  }
}
