package dev.vigil.capture.format;

import java.util.List;
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
 * @param withheld the modes ({@link CapturedBody#INPUT}, {@link CapturedBody#OUTPUT}) whose body was
 *     left out because redaction is configured and the body could not be parsed to redact it
 *     (written as {@code "withheld":["INPUT"]}, only when not empty)
 */
public record VigilMetadata(
    String endpoint, String variant, long latencyMicros, int status, boolean truncated, List<String> withheld) {
  /** @throws NullPointerException when endpoint or variant is null */
  public VigilMetadata {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(variant, "variant");
    withheld = withheld == null ? List.of() : List.copyOf(withheld);
  }

  /** Metadata with no body withheld. */
  public VigilMetadata(String endpoint, String variant, long latencyMicros, int status, boolean truncated) {
    this(endpoint, variant, latencyMicros, status, truncated, List.of());
  }
}
