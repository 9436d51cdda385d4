package dev.vigil.monitor.signals;

import dev.vigil.capture.format.CapturedBody;
import java.util.Objects;

/**
 * A captured request body picked for the window's sample of inputs.
 *
 * @param eventId the capture record's eventId
 * @param input its {@code endpointInput}
 */
public record SampledInput(String eventId, CapturedBody input) {
  public SampledInput {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(input, "input");
  }
}
