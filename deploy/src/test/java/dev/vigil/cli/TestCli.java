package dev.vigil.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The real {@code vigil} command line (exit codes and error handler included) with its output captured. */
public final class TestCli {
  private TestCli() {}

  public static CommandLine capturing(StringWriter out, StringWriter err) {
    CommandLine cli = VigilCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }
}
