package dev.vigil.demo.scenario;

/**
 * What the demo reports while it runs (the CLI draws stage lines and progress bars on stderr).
 * Calls come from the scenario's threads, {@link #progress} also from sender threads: implementations
 * must be thread-safe and quick.
 */
public interface DemoListener {
  /** A new stage starts: {@code number} of {@code total}, what it does. */
  void stage(int number, int total, String description);

  /** {@code done} of {@code total} units of the current step ({@code what}: "attacking", "sending"...). */
  void progress(String what, int done, int total);

  /** One line of detail within the current stage. */
  void detail(String line);

  /** Reports nothing. */
  DemoListener SILENT = new DemoListener() {
    @Override
    public void stage(int number, int total, String description) {}

    @Override
    public void progress(String what, int done, int total) {}

    @Override
    public void detail(String line) {}
  };
}
