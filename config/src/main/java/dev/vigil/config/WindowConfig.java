package dev.vigil.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The capture window a monitor run checks, relative to the run's fire time
 * ({@code monitor.window}); both offsets are usually negative, {@code start < end}.
 *
 * @param start offset of the window start (default {@code -PT1H})
 * @param end offset of the window end, exclusive (default {@code -PT0H})
 */
public record WindowConfig(Duration start, Duration end) {
  public WindowConfig {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  /** The window's start for a run fired at {@code fireTime}. */
  public Instant startAt(Instant fireTime) {
    return fireTime.plus(start);
  }

  /** The window's (exclusive) end for a run fired at {@code fireTime}. */
  public Instant endAt(Instant fireTime) {
    return fireTime.plus(end);
  }
}
