package dev.vigil.capture.record;

import dev.vigil.capture.sampling.CapturePolicy;
import java.time.Instant;
import java.util.UUID;

/**
 * A sampled request/response pair as the proxy saw it, before encoding. Built on the event loop,
 * encoded on the dispatcher thread (base64 and JSON cost CPU the event loop must not spend).
 *
 * @param requestBody captured request bytes, or null when the mode excludes input
 * @param responseBody captured response bytes, or null when the mode excludes output
 * @param reservedBytes bytes of {@link ByteBudget} this exchange holds until encoded
 */
public record SampledExchange(
    CapturePolicy policy,
    UUID eventId,
    Instant inferenceTime,
    String inferenceId,
    String requestContentType,
    byte[] requestBody,
    boolean requestTruncated,
    String responseContentType,
    byte[] responseBody,
    boolean responseTruncated,
    int status,
    long latencyMicros,
    long reservedBytes) {}
