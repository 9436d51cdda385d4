package dev.vigil.monitor.truth;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.window.WindowReadException;
import java.time.Instant;

/**
 * Reads the ground-truth labels written in a time range (S3 objects by their key time, Kafka
 * records by their timestamp). Labels are written after the predictions they judge, so the
 * labels of a window {@code [start, end)} are those written in {@code [start, end + maxDelay)}.
 */
public interface LabelSource {
  /** {@code s3} or {@code kafka}, for reports. */
  String name();

  /**
   * Every label written in {@code [from, to)}, in write order.
   *
   * @param labels names classes (a label may be a class index or a label text)
   * @throws WindowReadException when the store cannot be read at all
   */
  GroundTruth read(Instant from, Instant to, Labels labels) throws WindowReadException;
}
