package dev.vigil.classes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One class of a prediction: its index, its name and its score (a probability once soft-maxed).
 * The monitor's flagged samples, saliency panels and alert e-mails all carry this one value.
 *
 * @param index class index in the model's output
 * @param label class name; null becomes {@link Labels#unlabelled(int)} (labels come from data, so
 *     renderers escape them)
 * @param score the class's score, a probability in [0, 1] when the output is a distribution
 */
public record ClassScore(int index, String label, double score) {
  public ClassScore {
    label = label == null ? Labels.unlabelled(index) : label;
  }

  /**
   * The {@code k} highest-scoring classes, best first; ties keep the lower index first so the
   * order is deterministic.
   */
  public static List<ClassScore> top(float[] scores, int k, Labels labels) {
    List<Integer> order = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> i));
    List<ClassScore> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.size()); i++) {
      int c = order.get(i);
      out.add(new ClassScore(c, labels.name(c), scores[c]));
    }
    return out;
  }
}
