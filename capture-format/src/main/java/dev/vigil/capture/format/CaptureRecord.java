package dev.vigil.capture.format;

import java.time.Instant;
import java.util.Objects;

/**
 * One captured inference: the SageMaker data-capture JSON Lines shape plus the {@code vigil}
 * object (see design.md). {@link CaptureRecordCodec} turns it into one JSON line and back.
 *
 * @param endpointInput the request body, or null when only output was captured
 * @param endpointOutput the response body, or null when only input was captured
 * @param eventId unique id of the event (a UUID for Vigil-written records); the Kafka key
 * @param inferenceTime when the request arrived, UTC
 * @param inferenceId the value of the configured inference-id header, or null
 * @param eventVersion the SageMaker event version, {@link #EVENT_VERSION} for Vigil records
 * @param vigil Vigil's metadata, or null for records written by SageMaker
 */
public record CaptureRecord(
    CapturedBody endpointInput,
    CapturedBody endpointOutput,
    String eventId,
    Instant inferenceTime,
    String inferenceId,
    String eventVersion,
    VigilMetadata vigil) {
  /** The event version Vigil writes (same as SageMaker's). */
  public static final String EVENT_VERSION = "0";

  /** @throws NullPointerException when eventId, inferenceTime or eventVersion is null */
  public CaptureRecord {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(inferenceTime, "inferenceTime");
    Objects.requireNonNull(eventVersion, "eventVersion");
  }
}
