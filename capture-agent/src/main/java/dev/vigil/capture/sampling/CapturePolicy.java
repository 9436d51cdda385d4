package dev.vigil.capture.sampling;

import java.util.Objects;

/**
 * Everything the proxy needs to decide and shape the capture of one endpoint's traffic.
 *
 * @param endpoint endpoint name (the {@code vigil.endpoint} field and a metric tag)
 * @param variant endpoint variant
 * @param sampler the sampling decision
 * @param requestIdHeader header whose value makes sampling deterministic; null = always random
 * @param mode which bodies to capture
 * @param textTypes content types stored as text
 * @param inferenceIdHeader header copied into {@code eventMetadata.inferenceId}; may be null
 * @param maxBodyBytes capture limit per body; larger bodies are forwarded whole, captured truncated
 * @param redactor JSON Pointer redaction applied before a record leaves the process
 * @param captureUpstreamErrors capture 502/504 exchanges produced by the agent itself
 */
public record CapturePolicy(
    String endpoint,
    String variant,
    Sampler sampler,
    String requestIdHeader,
    CaptureMode mode,
    ContentTypes textTypes,
    String inferenceIdHeader,
    long maxBodyBytes,
    Redactor redactor,
    boolean captureUpstreamErrors) {
  public CapturePolicy {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(sampler, "sampler");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(textTypes, "textTypes");
    Objects.requireNonNull(redactor, "redactor");
    if (maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be within 0.." + (Integer.MAX_VALUE - 64) + ", was " + maxBodyBytes);
    }
  }
}
