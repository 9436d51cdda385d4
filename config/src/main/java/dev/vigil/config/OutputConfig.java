package dev.vigil.config;

import java.util.Objects;

/**
 * How the monitor reads predictions from a captured response ({@code endpoints[].output}).
 *
 * @param format the response shape (default {@link OutputFormat#AUTO})
 * @param pointer JSON Pointer to the vector; set exactly when format is {@code pointer}
 * @param softmax the vector holds logits: apply soft-max before reading confidences
 */
public record OutputConfig(OutputFormat format, String pointer, boolean softmax) {
  public OutputConfig {
    Objects.requireNonNull(format, "format");
  }
}
