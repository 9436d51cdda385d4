package dev.vigil.monitor.schedule;

import dev.vigil.monitor.window.Window;

/** What a scheduled fire does: run one window of one endpoint (in production, {@code WindowMonitor::run}). */
@FunctionalInterface
public interface WindowRunner {
  /** @throws Exception any failure; it is logged and the next fire runs as usual */
  void run(String endpoint, Window window) throws Exception;

  /**
   * Runs a window; {@code backfill} when it was missed during downtime and is checked late (the
   * report says so). Defaults to {@link #run(String, Window)}.
   */
  default void run(String endpoint, Window window, boolean backfill) throws Exception {
    run(endpoint, window);
  }

  /**
   * Whether the window's report was published whole already, by any replica: such a window is
   * never run again by the scheduler, and the newest reported window bounds the backfill.
   * Defaults to false (unknown: every fire runs, nothing is backfilled).
   *
   * @throws Exception when the answer cannot be had (the window then runs as usual, no backfill)
   */
  default boolean reported(String endpoint, Window window) throws Exception {
    return false;
  }
}
