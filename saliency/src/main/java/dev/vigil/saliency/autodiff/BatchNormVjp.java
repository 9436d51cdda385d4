package dev.vigil.saliency.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * BatchNormalization in inference: Y = gamma (X - mu) / sqrt(sigma2 + epsilon) + beta, an affine map per channel,
 * so dL/dX = dL/dY * gamma / sqrt(sigma2 + epsilon) (Ioffe & Szegedy 2015, with running statistics).
 */
final class BatchNormVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    for (int i = 1; i < 5; i++) {
      if (n.needsGradient(i)) {
        throw n.unsupported("scale, bias, mean or variance computed from the input are not supported");
      }
    }
    if (n.attrInt("training_mode", 0) != 0) {
      throw n.unsupported("training_mode=1 is not an inference model; export it in eval mode");
    }
    float[] gamma = n.constant(1);
    float[] sigma2 = n.constant(4);
    float epsilon = n.attrFloat("epsilon", 1e-5f);
    float[] scale = new float[gamma.length];
    for (int c = 0; c < gamma.length; c++) {
      scale[c] = (float) (gamma[c] / Math.sqrt(sigma2[c] + (double) epsilon));
    }
    long[] dims = new long[n.inShape(0).length]; // [1, C, 1, ...] broadcasts over N and space
    Arrays.fill(dims, 1);
    dims[1] = scale.length;
    n.addGradient(0, b.op("Mul", List.of(n.gradient(0), b.constant(scale, dims))));
  }
}
