package dev.vigil.cli.support;

import java.util.concurrent.CountDownLatch;

/**
 * How a long-running command ({@code vigil monitor}, {@code vigil console}) waits to be stopped:
 * by Ctrl-C / SIGTERM (a shutdown hook) or by {@link #stop()} (tests).
 */
public final class StopSignal {
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Releases {@link #await}. */
  public void stop() {
    stopped.countDown();
  }

  /**
   * Blocks until stopped. On Ctrl-C / SIGTERM, {@code onSignal} runs in the shutdown hook first
   * (e.g. let running work finish); a plain {@link #stop()} removes the hook again.
   *
   * @param name the hook thread's name
   */
  public void await(String name, Runnable onSignal) throws InterruptedException {
    Thread hook = new Thread(() -> {
      onSignal.run();
      stop();
    }, name);
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running and finishes the work itself
    }
  }
}
