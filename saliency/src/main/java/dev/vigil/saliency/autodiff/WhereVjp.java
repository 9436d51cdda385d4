package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Where(C, A, B) with a condition that does not depend on the input: Y = A where C, else B, so
 * dL/dA = Where(C, G, 0) and dL/dB = Where(C, 0, G), each reduced to its operand's shape ({@link Broadcast}).
 */
final class WhereVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    String g = n.gradient(0);
    String zero = b.op("CastLike", List.of(b.scalar(0f), g));
    for (int i = 1; i <= 2; i++) {
      if (!n.needsGradient(i)) {
        continue;
      }
      String d = b.op("Where", i == 1 ? List.of(n.in(0), g, zero) : List.of(n.in(0), zero, g));
      n.addGradient(i, Broadcast.reduceTo(b, d, n.outShape(0), n.inShape(i), n.in(i)));
    }
  }
}
