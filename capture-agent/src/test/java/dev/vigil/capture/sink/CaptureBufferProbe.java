package dev.vigil.capture.sink;

import dev.vigil.capture.record.SampledExchange;

/** Lets tests outside this package see what was handed to a {@link CaptureBuffer}. */
public final class CaptureBufferProbe {
  private CaptureBufferProbe() {}

  /** The oldest exchange offered and not yet taken, or null. */
  public static SampledExchange poll(CaptureBuffer buffer) {
    return buffer.poll(0);
  }
}
