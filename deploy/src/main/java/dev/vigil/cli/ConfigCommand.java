package dev.vigil.cli;

import picocli.CommandLine.Command;

/** Placeholder until the config command lands (issue 2). */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Not available yet.")
final class ConfigCommand implements Runnable {
  @Override
  public void run() {
    throw new IllegalStateException("vigil config is not available in this build yet");
  }
}
