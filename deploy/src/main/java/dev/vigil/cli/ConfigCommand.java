package dev.vigil.cli;

import dev.vigil.cli.support.ExitCodes;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ConfigPrinter;
import dev.vigil.config.VigilConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code vigil config}: work with configuration files. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Validate a Vigil configuration file and show the effective configuration.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: use 'vigil config check FILE'");
  }

  /**
   * {@code vigil config check FILE}: the effective configuration (defaults filled in, secrets
   * masked) on stdout and exit 0, or every problem on stderr and exit 2.
   */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate FILE: on success print the effective configuration (every default filled in,"
            + " secrets shown as ******) as YAML on stdout and exit 0; otherwise list every problem"
            + " on stderr, one per line as 'path: what is wrong; the fix', and exit 2.",
        "$${ENV} and $${ENV:-default} references are resolved from the environment."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the configuration is valid", "2:the file is missing, unreadable or invalid"})
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The YAML configuration file, e.g. config/examples/local.yaml.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      VigilConfig config;
      try {
        config = ConfigLoader.load(file);
      } catch (ConfigException e) {
        printProblems(err, e.problems());
        return ExitCodes.USAGE;
      }
      out.println("# Effective configuration of " + file + " (defaults filled in, secrets masked)");
      out.print(ConfigPrinter.toYaml(config));
      out.flush();
      return ExitCodes.OK;
    }

    private void printProblems(PrintWriter err, List<String> problems) {
      String prefix = file + ": ";
      if (problems.size() == 1 && problems.get(0).startsWith(prefix)) {
        // The file itself could not be read: one line says it all.
        err.println("vigil config check: " + problems.get(0));
      } else {
        int n = problems.size();
        err.println(prefix + n + (n == 1 ? " problem" : " problems") + "; fix "
            + (n == 1 ? "it" : "them") + " and run 'vigil config check " + file + "' again:");
        for (String problem : problems) {
          err.println("  " + problem);
        }
      }
      err.flush();
    }
  }
}
