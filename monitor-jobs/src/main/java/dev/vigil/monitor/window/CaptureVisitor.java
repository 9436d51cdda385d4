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
}
