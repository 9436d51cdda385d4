package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Einsum of two operands with an explicit output, Y_o = sum over the other letters of A_a B_b (MaxViT's attention,
 * "BGPHID,BGPHJD->BGPHIJ"). Its Jacobian in A is an Einsum with B: dL/dA = Einsum("o,b->a", G, B), and likewise
 * dL/dB = Einsum("a,o->b", A, G). This holds when every letter of an operand appears in the output or in the other
 * operand and no operand repeats a letter (a diagonal); other equations, ellipses and other operand counts are
 * refused.
 */
final class EinsumVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    String equation = n.attrString("equation", "").replace(" ", "");
    int arrow = equation.indexOf("->");
    String[] operands = arrow < 0 ? new String[0] : equation.substring(0, arrow).split(",", -1);
    if (n.inputCount() != 2 || operands.length != 2 || equation.contains(".")) {
      throw n.unsupported("only two-operand equations with an explicit output and no ellipsis are supported ('"
          + equation + "')");
    }
    String out = equation.substring(arrow + 2);
    for (int i = 0; i < 2; i++) {
      String mine = operands[i];
      String other = operands[1 - i];
      if (!n.needsGradient(i)) {
        continue;
      }
      for (char c : mine.toCharArray()) {
        if (mine.indexOf(c) != mine.lastIndexOf(c) || (out.indexOf(c) < 0 && other.indexOf(c) < 0)) {
          throw n.unsupported("letter '" + c + "' of operand " + i + " is repeated or summed in that operand alone ('"
              + equation + "')");
        }
      }
      String grad = i == 0 ? out + "," + other + "->" + mine : other + "," + out + "->" + mine;
      List<String> inputs = i == 0 ? List.of(n.gradient(0), n.in(1)) : List.of(n.in(0), n.gradient(0));
      n.addGradient(i, b.op("Einsum", inputs, GraphBuilder.attr("equation", grad)));
    }
  }
}
