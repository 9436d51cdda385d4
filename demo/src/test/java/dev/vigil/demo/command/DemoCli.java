package dev.vigil.demo.command;

import dev.vigil.cli.support.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil demo ...} as the all-in-one jar runs it (same exit codes and error handler), with
 * its output captured; the real {@code vigil} root lives in the deploy module, above this one.
 */
public final class DemoCli {
  private DemoCli() {}

  @Command(name = "vigil", subcommands = DemoCommand.class)
  static final class Root {}

  public static CommandLine capturing(StringWriter out, StringWriter err) {
    return CommandRunner.commandLine(new Root())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
  }
}
