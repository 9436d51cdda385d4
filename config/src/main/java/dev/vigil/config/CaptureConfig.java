package dev.vigil.config;

import java.util.List;
import java.util.Objects;

/**
 * What the agent captures of a sampled exchange ({@code endpoints[].capture}).
 *
 * @param mode request, response or both (default {@link CaptureMode#INPUT_AND_OUTPUT})
 * @param textContentTypes content types stored as text ({@code JSON} encoding); others base64
 * @param inferenceIdHeader header whose value becomes the record's {@code inferenceId}
 * @param maxBodyBytes bodies larger than this are forwarded whole but captured truncated
 * @param redact JSON Pointers whose values are replaced by a hash before leaving the process
 * @param captureUpstreamErrors whether exchanges that failed at the model server (unreachable or
 *     timed out: the agent answers 502/504 itself) are captured too
 */
public record CaptureConfig(
    CaptureMode mode,
    List<String> textContentTypes,
    String inferenceIdHeader,
    long maxBodyBytes,
    List<String> redact,
    boolean captureUpstreamErrors) {

  public CaptureConfig {
    Objects.requireNonNull(mode, "mode");
    textContentTypes = List.copyOf(textContentTypes);
    Objects.requireNonNull(inferenceIdHeader, "inferenceIdHeader");
    redact = List.copyOf(redact);
  }
}
