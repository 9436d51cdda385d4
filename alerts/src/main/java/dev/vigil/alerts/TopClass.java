package dev.vigil.alerts;

import java.util.Objects;

/**
 * One entry of a flagged sample's top-k prediction.
 *
 * @param classIndex index of the class in the model's output
 * @param label human-readable label (from data: always escaped before rendering)
 * @param probability probability in [0, 1]
 */
public record TopClass(int classIndex, String label, double probability) {
  public TopClass {
    label = Objects.requireNonNullElse(label, "class " + classIndex);
  }
}
