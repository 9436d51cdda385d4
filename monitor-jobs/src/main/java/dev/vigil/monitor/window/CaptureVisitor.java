package dev.vigil.monitor.window;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.stats.UnusableReason;

/**
 * Receives the records of a window from a {@link WindowSource}. Each reading thread has its own
 * visitor (no sharing, no locks); the caller merges them afterwards.
 */
public interface CaptureVisitor {
  /** A well-formed capture record whose inferenceTime is inside the window. */
  void record(CaptureRecord record, CaptureLocation location);

  /**
   * A line or Kafka value that is not a capture record (corrupt, truncated), attributed to the
   * window by its object's key time (S3) or its record timestamp (Kafka).
   */
  void malformed(UnusableReason reason, String detail, CaptureLocation location);

  /**
   * A record whose eventId was already seen in this window (a re-send of at-least-once delivery);
   * it is skipped, only counted.
   */
  default void duplicate(CaptureLocation location) {}

  /**
   * Only part of the window could be read: it starts before the earliest retained record.
   *
   * @param shareRead the share of the window's time span that could be read, in [0, 1)
   * @param earliestRetained the time of the earliest record still retained
   */
  default void incomplete(double shareRead, java.time.Instant earliestRetained) {}
}
