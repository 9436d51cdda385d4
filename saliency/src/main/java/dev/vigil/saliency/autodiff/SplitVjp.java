package dev.vigil.saliency.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * Split along an axis: dL/dX = Concat(dL/dY_0, ..., dL/dY_k) along that axis, with zeros for outputs the target
 * does not depend on.
 */
final class SplitVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    int rank = n.inShape(0).length;
    long axis = n.attrInt("axis", 0);
    int a = (int) (axis < 0 ? axis + rank : axis);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n.outputCount(); i++) {
      String g = n.gradient(i);
      if (g == null) {
        g = b.zeros(b.shapeOf(n.out(i)));
      }
      parts.add(g);
    }
    n.addGradient(0, b.op("Concat", parts, GraphBuilder.attr("axis", a)));
  }
}
