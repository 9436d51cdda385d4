package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A one-line progress display on stderr while a window is read ("reading window: 412,000 records,
 * 98,000/s"), redrawn twice a second by a daemon thread; the line is finished on close.
 */
final class WindowProgress implements AutoCloseable {
  private final LongAdder records = new LongAdder();
  private final PrintWriter err;
  private final Thread painter;
  private final long start = System.nanoTime();
  private volatile boolean drawn;

  WindowProgress(PrintWriter err, String what) {
    this.err = err;
    this.painter = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(500);
          paint(what);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vigil-progress");
    painter.setDaemon(true);
    painter.start();
  }

  LongAdder counter() {
    return records;
  }

  private synchronized void paint(String what) {
    long n = records.sum();
    double s = (System.nanoTime() - start) / 1e9;
    err.printf(Locale.ROOT, "\r%s: %,d records, %,.0f/s   ", what, n, s > 0 ? n / s : 0.0);
    err.flush();
    drawn = true;
  }

  @Override
  public synchronized void close() {
    painter.interrupt();
    if (drawn) {
      err.println();
      err.flush();
    }
  }
}
