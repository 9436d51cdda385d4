package dev.vigil.cli;

import dev.vigil.agent.AgentCommand;
import dev.vigil.cli.support.CommandRunner;
import dev.vigil.console.ConsoleCommand;
import dev.vigil.demo.command.DemoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code vigil} command: one jar, one subcommand per job.
 *
 * <p>Exit codes are a contract with scripts and orchestrators, {@link
 * dev.vigil.cli.support.ExitCodes}: {@code 0} success, {@code 2} usage or configuration error,
 * {@code 1} runtime failure.
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
      LabelsCommand.class,
      InspectCommand.class,
      SaliencyCommand.class,
      ConsoleCommand.class,
      DemoCommand.class,
    })
public final class VigilCli implements Runnable {
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
    return CommandRunner.commandLine(new VigilCli());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VigilCli.class.getPackage().getImplementationVersion();
      return new String[] {"vigil " + (v == null ? "development build" : v)};
    }
  }
}
