package dev.vigil.capture.sink;

import dev.vigil.capture.record.CaptureEntry;

/**
 * A destination for capture records (Kafka, S3). Driven by exactly one {@link SinkWorker} thread,
 * so implementations need no locking except for {@link #abort()}.
 *
 * <p>The worker {@link #add}s entries to the sink's pending batch, asks {@link #due} whether to
 * ship, and calls {@link #ship} until it succeeds. {@code ship} must be idempotent for the same
 * pending entries: a retry after a failure (or after a restart replaying the spool) must not
 * create duplicates the sink can avoid (S3: deterministic object keys).
 */
public interface Sink extends AutoCloseable {
  /** Short name used in metrics, logs and the spool directory ("kafka", "s3"). */
  String name();

  /** Adds an entry to the pending batch. */
  void add(CaptureEntry entry);

  int pendingCount();

  /**
   * True when the pending batch should be shipped now.
   *
   * @param nowNanos the worker's clock
   * @param inputIdle nothing more is waiting to be added right now
   */
  boolean due(long nowNanos, boolean inputIdle);

  /**
   * While a batch is pending and not {@link #due}: how long until it is due by age. The worker
   * sleeps at most this long; the default (unknown) lets it check again at its usual pace.
   */
  default long nanosUntilDue(long nowNanos) {
    return Long.MAX_VALUE;
  }

  /**
   * While a batch is pending and not {@link #due}: how many more queued bytes would make it due by
   * size. The worker is not woken for less; the default (1) wakes it for every record.
   */
  default long bytesUntilDue() {
    return 1;
  }

  /**
   * Ships every pending entry; on success the batch is empty. On failure the batch is kept for a
   * retry and the exception says why.
   */
  void ship(long nowNanos) throws Exception;

  /** The pending entries, in order (for spooling them at shutdown when shipping failed). */
  java.util.List<CaptureEntry> pending();

  /** Discards the pending batch (after it was spooled). */
  void clearPending();

  /** Makes a blocked {@link #ship} fail fast; called from another thread at the shutdown deadline. */
  void abort();

  @Override
  void close();
}
