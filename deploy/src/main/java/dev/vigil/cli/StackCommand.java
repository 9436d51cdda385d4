package dev.vigil.cli;

import picocli.CommandLine.Command;

/** Placeholder until the stack command lands (issue 2). */
@Command(name = "stack", mixinStandardHelpOptions = true, description = "Not available yet.")
final class StackCommand implements Runnable {
  @Override
  public void run() {
    throw new IllegalStateException("vigil stack is not available in this build yet");
  }
}
