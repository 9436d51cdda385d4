package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Pointwise activations, dL/dX = G * f'(X), written with the forward tensors:
 * <ul>
 *   <li>Relu: f' = [Y > 0]
 *   <li>LeakyRelu(alpha): f' = 1 where X > 0, alpha elsewhere
 *   <li>Clip(min, max) (ReLU6): f' = [min < X < max]
 *   <li>Sigmoid: f' = Y (1 - Y)
 *   <li>HardSigmoid(alpha, beta), Y = max(0, min(1, alpha X + beta)): f' = alpha [0 < Y < 1]
 *   <li>HardSwish, Y = X max(0, min(1, X/6 + 1/2)): f' = 0 for X < -3, 1 for X > 3, X/3 + 1/2 between
 *   <li>Sqrt: f' = 1 / (2 Y) (batch normalization written out for training divides by one)
 *   <li>Tanh: f' = 1 - Y^2 (MaxViT's pre-logits)
 * </ul>
 * At the kinks the one-sided choice matches PyTorch's.
 */
final class ActivationVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    String g = n.gradient(0);
    String x = n.in(0);
    String y = n.out(0);
    String zero = b.scalar(0f);
    String dLdX = switch (n.opType()) {
      case "Relu" -> where(b, b.op("Greater", List.of(y, zero)), g, zero);
      case "LeakyRelu" -> where(b, b.op("Greater", List.of(x, zero)), g,
          b.op("Mul", List.of(g, b.scalar(n.attrFloat("alpha", 0.01f)))));
      case "Clip" -> where(b, clipInterior(n, b, x), g, zero);
      case "Sigmoid" -> b.op("Mul", List.of(g, b.op("Mul", List.of(y, b.op("Sub", List.of(b.scalar(1f), y))))));
      case "HardSigmoid" -> where(b,
          b.op("And", List.of(b.op("Greater", List.of(y, zero)), b.op("Less", List.of(y, b.scalar(1f))))),
          b.op("Mul", List.of(g, b.scalar(n.attrFloat("alpha", 0.2f)))), zero);
      case "HardSwish" -> {
        String slope = b.op("Add", List.of(b.op("Mul", List.of(x, b.scalar(1f / 3f))), b.scalar(0.5f)));
        String middle = where(b, b.op("Greater", List.of(x, b.scalar(3f))), g, b.op("Mul", List.of(g, slope)));
        yield where(b, b.op("Less", List.of(x, b.scalar(-3f))), zero, middle);
      }
      case "Sqrt" -> b.op("Div", List.of(g, b.op("Mul", List.of(y, b.scalar(2f)))));
      case "Tanh" -> b.op("Mul", List.of(g, b.op("Sub", List.of(b.scalar(1f), b.op("Mul", List.of(y, y))))));
      default -> throw n.unsupported("not an activation");
    };
    n.addGradient(0, dLdX);
  }

  /** [min < X < max] for the bounds that are present (Clip's min and max are optional inputs). */
  private static String clipInterior(OpNode n, GraphBuilder b, String x) {
    if (n.needsGradient(1) || n.needsGradient(2)) {
      throw n.unsupported("bounds computed from the input are not supported");
    }
    String mask = null;
    if (!n.in(1).isEmpty()) {
      mask = b.op("Greater", List.of(x, n.in(1)));
    }
    if (!n.in(2).isEmpty()) {
      String below = b.op("Less", List.of(x, n.in(2)));
      mask = mask == null ? below : b.op("And", List.of(mask, below));
    }
    return mask == null ? b.op("Equal", List.of(x, x)) : mask;
  }

  private static String where(GraphBuilder b, String condition, String yes, String no) {
    return b.op("Where", List.of(condition, yes, no));
  }
}
