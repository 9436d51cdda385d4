package dev.vigil.monitor.window;

import java.util.List;
import java.util.function.Supplier;

/**
 * Reads one window of one endpoint's captures (S3 or Kafka), streaming: records are handed to
 * visitors as they are parsed, never collected.
 */
public interface WindowSource {
  /** {@code s3} or {@code kafka}, for reports. */
  String name();

  /**
   * Reads every capture record of the window.
   *
   * @param newVisitor called once per reading thread
   * @return the visitors that were used (merge them)
   * @throws WindowReadException when the store cannot be read at all (records already handed
   *     over stay counted; the run should be retried)
   */
  <V extends CaptureVisitor> List<V> read(Window window, Supplier<V> newVisitor) throws WindowReadException;
}
