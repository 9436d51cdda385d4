package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Softmax and LogSoftmax along one axis (opset 13 semantics), anywhere in the graph (attention):
 * Softmax Y = exp(X) / sum exp(X): dL/dX = Y * (G - sum_axis(G * Y));
 * LogSoftmax Y = X - log sum exp(X): dL/dX = G - exp(Y) * sum_axis(G).
 */
final class SoftmaxVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    int rank = n.inShape(0).length;
    long axis = n.attrInt("axis", -1);
    long[] axes = {axis < 0 ? axis + rank : axis};
    String g = n.gradient(0);
    String y = n.out(0);
    String dLdX = switch (n.opType()) {
      case "Softmax" -> b.op("Mul", List.of(y, b.op("Sub", List.of(g,
          b.reduceSum(b.op("Mul", List.of(g, y)), axes, true)))));
      case "LogSoftmax" -> b.op("Sub", List.of(g, b.op("Mul", List.of(b.op("Exp", List.of(y)),
          b.reduceSum(g, axes, true)))));
      default -> throw n.unsupported("not a softmax");
    };
    n.addGradient(0, dLdX);
  }
}
