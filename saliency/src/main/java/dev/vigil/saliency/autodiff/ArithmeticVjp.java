package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Add, Sub, Mul, Div with broadcasting. For Y = A op B and G = dL/dY:
 * Add: dA = G, dB = G; Sub: dA = G, dB = -G; Mul: dA = G B, dB = G A; Div: dA = G / B, dB = -G A / B^2 = -G Y / B;
 * each reduced back to its operand's shape ({@link Broadcast}).
 */
final class ArithmeticVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    String g = n.gradient(0);
    String a = n.in(0);
    String bb = n.in(1);
    for (int i = 0; i < 2; i++) {
      if (!n.needsGradient(i)) {
        continue;
      }
      String d = switch (n.opType()) {
        case "Add" -> g;
        case "Sub" -> i == 0 ? g : b.op("Neg", List.of(g));
        case "Mul" -> b.op("Mul", List.of(g, i == 0 ? bb : a));
        case "Div" -> i == 0 ? b.op("Div", List.of(g, bb))
            : b.op("Neg", List.of(b.op("Div", List.of(b.op("Mul", List.of(g, n.out(0))), bb))));
        default -> throw n.unsupported("not an arithmetic op");
      };
      n.addGradient(i, Broadcast.reduceTo(b, d, n.outShape(0), n.inShape(i), n.in(i)));
    }
  }
}
