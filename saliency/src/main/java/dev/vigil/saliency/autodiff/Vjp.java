package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The vector-Jacobian product of one ONNX op: given g = dL/dY for the node's outputs, emit dL/dX_i = J_i^T g for
 * every input that needs a gradient, as ordinary ONNX nodes.
 */
interface Vjp {

  /**
   * The forward node as it must run in the augmented model (e.g. MaxPool also returns its argmax indices).
   * Must not change the node's existing outputs.
   */
  default NodeProto forward(NodeProto node, GraphBuilder b) {
    return node;
  }

  /** Emits the input gradients of {@code node} through {@link OpNode#addGradient}. */
  void emit(OpNode node, GraphBuilder b);
}
