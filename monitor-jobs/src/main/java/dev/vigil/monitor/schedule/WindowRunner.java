package dev.vigil.monitor.schedule;

import dev.vigil.monitor.window.Window;

/** What a scheduled fire does: run one window of one endpoint (in production, {@code WindowMonitor::run}). */
@FunctionalInterface
public interface WindowRunner {
  /** @throws Exception any failure; it is logged and the next fire runs as usual */
  void run(String endpoint, Window window) throws Exception;
}
