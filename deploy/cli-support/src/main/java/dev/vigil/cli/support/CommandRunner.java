package dev.vigil.cli.support;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a Vigil command line or one command's body under the exit-code contract of {@link ExitCodes}:
 * a failure is one line on stderr, {@code vigil COMMAND: what went wrong}, and the stack trace only
 * with {@code -Dvigil.debug=true}.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /** The body of a command. */
  @FunctionalInterface
  public interface Body {
    int run() throws Exception;
  }

  /**
   * A command line for {@code root} whose uncaught failures follow the contract. Configuration errors
   * keep their one line per problem.
   */
  public static CommandLine commandLine(Object root) {
    CommandLine cli = new CommandLine(root);
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      String name = commandLine.getCommandName();
      err.println((name.startsWith("vigil") ? name : "vigil " + name) + ": " + FailureMessages.of(ex));
      debug(err, ex);
      err.flush();
      return ExitCodes.of(ex);
    });
    return cli;
  }

  /**
   * Runs {@code body} and maps what it throws: bad input (the contract's own, or what
   * {@code badInput} recognises) exits 2, anything else 1; always one line on stderr.
   */
  public static int run(CommandSpec spec, Predicate<Throwable> badInput, Body body) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return body.run();
    } catch (Exception | Error e) {
      err.println(prefix(spec) + FailureMessages.oneLine(e));
      debug(err, e);
      err.flush();
      return ExitCodes.isUsage(e) || badInput.test(e) ? ExitCodes.USAGE : ExitCodes.RUNTIME_FAILURE;
    }
  }

  /**
   * {@link #run} on a thread of its own with a stack of {@code stackBytes}: ONNX Runtime's native
   * initialisation overflows the 1-2 MB a JVM main thread has on some machines.
   */
  public static int runOnThread(CommandSpec spec, long stackBytes, Predicate<Throwable> badInput, Body body) {
    AtomicInteger code = new AtomicInteger(ExitCodes.RUNTIME_FAILURE);
    Thread worker = new Thread(null, () -> code.set(run(spec, badInput, body)), "vigil-" + spec.name(), stackBytes);
    worker.start();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
      return ExitCodes.RUNTIME_FAILURE;
    }
    return code.get();
  }

  /** {@code vigil saliency sanity: }, the command's qualified name. */
  static String prefix(CommandSpec spec) {
    String name = spec.qualifiedName(" ");
    return (name.startsWith("vigil") ? name : "vigil " + name) + ": ";
  }

  private static void debug(PrintWriter err, Throwable e) {
    if (Boolean.getBoolean("vigil.debug")) {
      e.printStackTrace(err);
    }
  }
}
