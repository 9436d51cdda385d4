package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;

/**
 * MaxPool: Y[o] = X[argmax over window(o)], so dL/dX[i] = sum of dL/dY[o] over the outputs o whose maximum sat at
 * i. The forward node also returns its Indices (flat over N*C*H*W); the backward scatters dL/dY into zeros with
 * ScatterElements(reduction "add", opset 16+), so overlapping windows that share a maximum all contribute.
 */
final class MaxPoolVjp implements Vjp {

  @Override
  public NodeProto forward(NodeProto node, GraphBuilder b) {
    if (node.getOutputCount() >= 2 && !node.getOutput(1).isEmpty()) {
      return node;
    }
    NodeProto.Builder n = node.toBuilder();
    if (n.getOutputCount() == 2) {
      n.setOutput(1, b.fresh("maxpool_indices"));
    } else {
      n.addOutput(b.fresh("maxpool_indices"));
    }
    return n.build();
  }

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (n.attrInt("storage_order", 0) != 0) {
      throw n.unsupported("storage_order=1 (column-major indices) is not supported");
    }
    String x = n.in(0);
    String numel = b.op("Reshape", List.of(b.op("Size", List.of(x)), b.longs(1)));
    String zeros = b.zeros(numel);
    String flatIndices = b.op("Reshape", List.of(n.out(1), b.longs(-1)));
    String flatGradient = b.op("Reshape", List.of(n.gradient(0), b.longs(-1)));
    String scattered = b.op("ScatterElements", List.of(zeros, flatIndices, flatGradient),
        GraphBuilder.attr("axis", 0), GraphBuilder.attr("reduction", "add"));
    n.addGradient(0, b.reshapeLike(scattered, x));
  }
}
