package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;

/**
 * LayerNormalization over the axes D = axis..r-1 (Ba, Kiros &amp; Hinton 2016): with mu and sigma^-1 the node's own
 * Mean and InvStdDev outputs (added to the forward node), x_hat = (X - mu) sigma^-1 and Y = gamma x_hat + beta.
 * Then, with G_hat = G gamma and means over D,
 * dL/dX = sigma^-1 (G_hat - mean(G_hat) - x_hat mean(G_hat x_hat));
 * dL/dgamma = G x_hat and dL/dbeta = G, each summed over the axes they were broadcast along (training only).
 */
final class LayerNormVjp implements Vjp {

  @Override
  public NodeProto forward(NodeProto node, GraphBuilder b) {
    NodeProto.Builder n = node.toBuilder();
    for (int i = 1; i <= 2; i++) {
      String name = b.fresh(i == 1 ? "layernorm_mean" : "layernorm_invstd");
      if (n.getOutputCount() > i) {
        if (n.getOutput(i).isEmpty()) {
          n.setOutput(i, name);
        }
      } else {
        n.addOutput(name);
      }
    }
    return n.build();
  }

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    long[] x = n.inShape(0);
    int rank = x.length;
    long axis = n.attrInt("axis", -1);
    int first = (int) (axis < 0 ? axis + rank : axis);
    long[] d = new long[rank - first];
    for (int i = 0; i < d.length; i++) {
      d[i] = first + i;
    }
    String g = n.gradient(0);
    String mu = n.out(1);
    String sigmaInv = n.out(2);
    String xHat = b.op("Mul", List.of(b.op("Sub", List.of(n.in(0), mu)), sigmaInv));
    if (n.needsGradient(1)) {
      n.addGradient(1, Broadcast.reduceTo(b, b.op("Mul", List.of(g, xHat)), x, n.inShape(1), n.in(1)));
    }
    if (n.needsGradient(2)) {
      n.addGradient(2, Broadcast.reduceTo(b, g, x, n.inShape(2), n.in(2)));
    }
    if (!n.needsGradient(0)) {
      return;
    }
    String gHat = b.op("Mul", List.of(g, n.in(1)));
    String meanGHat = b.reduceMean(gHat, d, true);
    String meanGHatXHat = b.reduceMean(b.op("Mul", List.of(gHat, xHat)), d, true);
    String centred = b.op("Sub", List.of(b.op("Sub", List.of(gHat, meanGHat)),
        b.op("Mul", List.of(xHat, meanGHatXHat))));
    n.addGradient(0, b.op("Mul", List.of(centred, sigmaInv)));
  }
}
