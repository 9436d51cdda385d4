package dev.vigil.cli;

import dev.vigil.monitor.window.FileWindowSource;
import dev.vigil.monitor.window.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --window W | --from FILE...}: the captures a command reads, a window of the configured
 * source or local JSON Lines files (every record in them). Used as an exclusive, required
 * {@code @ArgGroup}.
 */
final class CaptureSelection {
  @Option(names = {"-w", "--window"}, paramLabel = "START/DURATION",
      description = "Read this window from the configured source (monitor.source), e.g. 2026-11-22T10:00:00Z/PT1H.")
  String window;

  @Option(names = "--from", paramLabel = "FILE", arity = "1..*",
      description = "Read local JSON Lines capture files instead (every record in them; e.g. SageMaker data capture).")
  List<Path> files;

  /**
   * The window to read: the one given, or all time for files.
   *
   * @throws CommandLine.ParameterException when the window does not parse or a file is unreadable
   */
  Window window(CommandSpec spec) {
    if (files == null) {
      return MonitorCommand.parseWindow(spec, window);
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--from: cannot read " + f);
      }
    }
    return new Window(Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"));
  }

  /** The files as a source, or null to read the configured one. */
  FileWindowSource filesOrNull() {
    return files == null ? null : new FileWindowSource(files);
  }

  /** What is read, for messages. */
  String describe() {
    return files == null ? window : files.toString();
  }
}
