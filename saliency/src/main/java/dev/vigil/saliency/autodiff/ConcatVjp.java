package dev.vigil.saliency.autodiff;

import java.util.ArrayList;
import java.util.List;

/** Concat along an axis: each input gets its own slice back, dL/dX_i = Split(dL/dY, sizes along axis)[i]. */
final class ConcatVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    int rank = n.outShape(0).length;
    long axis = n.attrInt("axis", 0);
    int a = (int) (axis < 0 ? axis + rank : axis);
    if (a == 0) {
      throw n.unsupported("concatenation along the batch axis is not supported");
    }
    long[] sizes = new long[n.inputCount()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = n.inShape(i)[a];
    }
    List<String> parts = b.op("Split", new ArrayList<>(List.of(n.gradient(0), b.longs(sizes))), sizes.length,
        GraphBuilder.attr("axis", a));
    for (int i = 0; i < sizes.length; i++) {
      if (n.needsGradient(i)) {
        n.addGradient(i, parts.get(i));
      }
    }
  }
}
