package dev.vigil.monitor.output;

import dev.vigil.classes.Labels;
import dev.vigil.config.OutputFormat;
import java.util.Objects;

/**
 * How to read one endpoint's responses (mirrors {@code endpoints[].output} and {@code labels}).
 *
 * @param format the response format
 * @param pointer JSON Pointer to the vector; required for {@link OutputFormat#POINTER}, and for
 *     {@link OutputFormat#KSERVE_V2} / {@link OutputFormat#CLASS_INDEX} optionally selects the value
 * @param softmax the vector holds logits: apply {@code p_i = exp(z_i - max z) / sum_j exp(z_j - max z)}
 * @param labels class names by index
 */
public record OutputSpec(OutputFormat format, String pointer, boolean softmax, Labels labels) {
  public OutputSpec {
    Objects.requireNonNull(format, "format");
    labels = labels == null ? Labels.none() : labels;
    if (format == OutputFormat.POINTER && (pointer == null || pointer.isBlank())) {
      throw new IllegalArgumentException(
          "output.format is pointer but output.pointer is empty: set it to a JSON Pointer such as /scores");
    }
    if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
      throw new IllegalArgumentException(
          "output.pointer '" + pointer + "' is not a JSON Pointer: it must start with '/', e.g. /outputs/0/data");
    }
  }

  /** A spec with no pointer, no soft-max and no labels. */
  public static OutputSpec of(OutputFormat format) {
    return new OutputSpec(format, null, false, Labels.none());
  }
}
