package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vigil} command: one jar, one subcommand per job.
 *
 * <p>Exit codes are a contract with scripts and orchestrators: {@code 0} success,
 * {@code 2} usage or configuration error (fix the command line or the YAML), {@code 1}
 * runtime failure (something outside the command went wrong).
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilCli.Version.class,
    description = "Self-hosted model monitoring with a FullGrad saliency debugger.",
    subcommands = {
      CommandLine.HelpCommand.class,
      StackCommand.class,
      ConfigCommand.class,
      AgentCommand.class,
      MonitorCommand.class,
      BaselineCommand.class,
      SaliencyCommand.class,
      DemoCommand.class,
    })
public final class VigilCli implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_RUNTIME_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `vigil` alone: show what it can do rather than fail silently.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The fully wired command line; tests call {@code execute} on it without exiting. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new VigilCli());
    cli.setExitCodeExceptionMapper(VigilCli::exitCodeFor);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("vigil " + commandLine.getCommandName() + ": " + oneLine(ex));
          if (Boolean.getBoolean("vigil.debug")) {
            ex.printStackTrace(err);
          }
          err.flush();
          return exitCodeFor(ex);
        });
    return cli;
  }

  static int exitCodeFor(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
        return EXIT_USAGE;
      }
    }
    return EXIT_RUNTIME_FAILURE;
  }

  /** A message a person can act on: never a bare exception class name. */
  static String oneLine(Throwable ex) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = ex.getCause();
      return cause != null ? oneLine(cause) : ex.getClass().getSimpleName();
    }
    return message;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VigilCli.class.getPackage().getImplementationVersion();
      return new String[] {"vigil " + (v == null ? "development build" : v)};
    }
  }
}
