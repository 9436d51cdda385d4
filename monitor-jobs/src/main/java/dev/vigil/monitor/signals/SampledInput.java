package dev.vigil.monitor.signals;

import dev.vigil.capture.format.CapturedBody;
import dev.vigil.monitor.flag.CaptureLocation;
import java.util.Objects;

/**
 * A captured request picked for the window's sample of inputs: its body when the reader kept it,
 * otherwise where to fetch it (the window readers skip input bodies for speed, so the sample keeps
 * locations and the probe fetches the few it needs).
 *
 * @param eventId the capture record's eventId
 * @param input its {@code endpointInput}, or null when only the location is known
 * @param location where the record is stored, or null when the body is given
 */
public record SampledInput(String eventId, CapturedBody input, CaptureLocation location) {
  public SampledInput {
    Objects.requireNonNull(eventId, "eventId");
    if (input == null && location == null) {
      throw new IllegalArgumentException("a sampled input needs its body or its location");
    }
  }

  /** An input whose body is at hand. */
  public SampledInput(String eventId, CapturedBody input) {
    this(eventId, Objects.requireNonNull(input, "input"), null);
  }
}
