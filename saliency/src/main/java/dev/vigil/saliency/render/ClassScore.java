package dev.vigil.saliency.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One class of a prediction with its soft-max probability.
 *
 * @param index class index
 * @param label class name
 * @param probability soft-max probability in [0, 1]
 */
public record ClassScore(int index, String label, double probability) {

  /**
   * The {@code k} most probable classes, best first; ties keep the lower index first so the order
   * is deterministic.
   */
  public static List<ClassScore> top(float[] probabilities, int k, Labels labels) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < probabilities.length; i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingDouble((Integer i) -> -probabilities[i]).thenComparing(i -> i));
    List<ClassScore> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.size()); i++) {
      int c = order.get(i);
      out.add(new ClassScore(c, labels.name(c), probabilities[c]));
    }
    return out;
  }
}
