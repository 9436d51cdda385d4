package dev.vigil.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class CommandRunnerTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Throws what {@code --fail} names, through {@link CommandRunner#run} when {@code --guarded}. */
  @Command(name = "vigil", subcommands = Job.class)
  static final class Root {}

  @Command(name = "job")
  static final class Job implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fail") String fail;
    @Option(names = "--guarded") boolean guarded;
    @Option(names = "--count") String count;

    @Override
    public Integer call() throws Exception {
      CommandRunner.Body body = () -> {
        if (count != null) {
          BadInput.integer("--count", count);
        }
        switch (fail == null ? "" : fail) {
          case "config" -> throw new ConfigException(List.of("a.b: is wrong; set it to 1", "c: is missing"));
          case "io" -> throw new UncheckedIOException("disk\nfull", new java.io.IOException("disk full"));
          case "state" -> throw new IllegalStateException("model is\n  busy");
          case "silent" -> throw new IllegalStateException(null, new RuntimeException("the cause says why"));
          default -> {
            return ExitCodes.OK;
          }
        }
      };
      return guarded
          ? CommandRunner.run(spec, e -> e instanceof IllegalStateException, body)
          : body.run();
    }
  }

  private int run(String... args) {
    return CommandRunner.commandLine(new Root())
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void successIsZero() {
    assertThat(run("job")).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void configurationErrorsAreUsageAndListEveryProblem() {
    assertThat(run("job", "--fail", "config")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("vigil job: 2 configuration problems:")
        .contains("  - a.b: is wrong; set it to 1", "  - c: is missing");
  }

  @Test
  void runtimeFailuresAreOneAndNameTheirCauseWhenSilent() {
    assertThat(run("job", "--fail", "silent")).isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(err.toString()).isEqualTo("vigil job: the cause says why" + System.lineSeparator());
  }

  @Test
  void badOptionValuesAreOneLineUsageErrors() {
    assertThat(run("job", "--guarded", "--count", "many")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("vigil job: --count 'many' is not a whole number" + System.lineSeparator());
  }

  @Test
  void guardedBodiesFoldMessagesOntoOneLine() {
    assertThat(run("job", "--guarded", "--fail", "io")).isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(err.toString()).isEqualTo("vigil job: disk full" + System.lineSeparator());
  }

  @Test
  void guardedBodiesJoinConfigurationProblems() {
    assertThat(run("job", "--guarded", "--fail", "config")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .isEqualTo("vigil job: a.b: is wrong; set it to 1; c: is missing" + System.lineSeparator());
  }

  @Test
  void theCallersPredicateMarksMoreFailuresAsBadInput() {
    assertThat(run("job", "--guarded", "--fail", "state")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("vigil job: model is busy" + System.lineSeparator());
  }

  @Test
  void aThreadOfItsOwnKeepsTheContract() {
    CommandLine cli = CommandRunner.commandLine(new Root())
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    CommandSpec job = cli.getSubcommands().get("job").getCommandSpec();
    int code = CommandRunner.runOnThread(job, 8L << 20, e -> false, () -> {
      throw new IllegalStateException("on " + Thread.currentThread().getName());
    });
    assertThat(code).isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(err.toString()).isEqualTo("vigil job: on vigil-job" + System.lineSeparator());
  }

  @Test
  void exitCodesLookThroughCauses() {
    assertThat(ExitCodes.of(new RuntimeException(new BadInput("x")))).isEqualTo(ExitCodes.USAGE);
    assertThat(ExitCodes.of(new RuntimeException("x"))).isEqualTo(ExitCodes.RUNTIME_FAILURE);
  }
}
