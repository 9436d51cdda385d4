package dev.vigil.capture.format;

import java.util.Objects;

/**
 * Vigil's own fields of a capture record (the {@code vigil} object). SageMaker-written
 * captures have none, so {@link CaptureRecord#vigil()} may be null.
 *
 * @param endpoint endpoint name as configured
 * @param variant endpoint variant ("default" when not configured)
 * @param latencyMicros time from the first request byte to the last response byte seen by the agent
 * @param status HTTP status returned to the client (502/504 for upstream failures)
 * @param truncated true when a body was larger than the capture limit and only its head was kept
 */
public record VigilMetadata(
    String endpoint, String variant, long latencyMicros, int status, boolean truncated) {
  /** @throws NullPointerException when endpoint or variant is null */
  public VigilMetadata {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(variant, "variant");
  }
}
