package dev.vigil.cli;

import dev.vigil.cli.support.ExitCodes;
import dev.vigil.stack.EmbeddedStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code vigil stack}: the local stack of real servers (Kafka KRaft, S3Proxy, GreenMail SMTP +
 * IMAP, optionally PostgreSQL) on 127.0.0.1, until Ctrl-C.
 *
 * <p>stdout carries the addresses and a config snippet to paste into a Vigil YAML file;
 * progress goes to stderr. A taken port or an unwritable data directory ends the command with
 * exit code 1 and one line saying what to change.
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a local stack of real servers on 127.0.0.1 until Ctrl-C: a Kafka broker (KRaft), "
            + "an S3-compatible server (S3Proxy, files on disk), an SMTP server that keeps every "
            + "message as an .eml file (GreenMail, with IMAP to read it back) and, with "
            + "--with-postgres, PostgreSQL for the clustered job store. Data stays in --data-dir "
            + "between runs. Prints each address and a config snippet for your vigil YAML file.")
final class StackCommand implements Callable<Integer> {
  private static final long STOP_WAIT_SECONDS = 60;

  @Spec CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "./vigil-data", paramLabel = "DIR",
      description = "Where the servers keep their data (kafka/, s3/, smtp/, postgres/). "
          + "Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(names = "--kafka-port", defaultValue = "9092", paramLabel = "PORT",
      description = "Kafka broker port. Default: ${DEFAULT-VALUE}")
  int kafkaPort;

  @Option(names = "--s3-port", defaultValue = "9000", paramLabel = "PORT",
      description = "S3 endpoint port. Default: ${DEFAULT-VALUE}")
  int s3Port;

  @Option(names = "--smtp-port", defaultValue = "2525", paramLabel = "PORT",
      description = "SMTP port. Default: ${DEFAULT-VALUE}")
  int smtpPort;

  @Option(names = "--imap-port", defaultValue = "2143", paramLabel = "PORT",
      description = "IMAP port, to read received mail back. Default: ${DEFAULT-VALUE}")
  int imapPort;

  @Option(names = "--with-postgres",
      description = "Also run PostgreSQL (for monitor.jobStore type jdbc).")
  boolean withPostgres;

  @Option(names = "--postgres-port", defaultValue = "5432", paramLabel = "PORT",
      description = "PostgreSQL port, with --with-postgres. Default: ${DEFAULT-VALUE}")
  int postgresPort;

  /** Counted down by Ctrl-C (the shutdown hook) or by {@link #requestStop()}. */
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  /** Counted down once the stack is closed, so the shutdown hook lets the JVM go only then. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    checkPort("--kafka-port", kafkaPort);
    checkPort("--s3-port", s3Port);
    checkPort("--smtp-port", smtpPort);
    checkPort("--imap-port", imapPort);
    if (withPostgres) {
      checkPort("--postgres-port", postgresPort);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    EmbeddedStack stack;
    try {
      stack = EmbeddedStack.builder()
          .dataDir(dataDir.toAbsolutePath().normalize())
          .kafkaPort(kafkaPort)
          .s3Port(s3Port)
          .smtpPort(smtpPort)
          .imapPort(imapPort)
          .postgres(withPostgres)
          .postgresPort(withPostgres ? postgresPort : 0)
          .progress(line -> {
            err.println("vigil stack: " + line);
            err.flush();
          })
          .build();
    } catch (IllegalArgumentException e) {
      // Two servers on one port: a command-line mistake.
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }

    Thread hook = new Thread(this::stopFromSignal, "vigil-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean started = false;
    try {
      err.println("vigil stack: starting in " + stack.dataDir());
      err.flush();
      stack.start();
      started = true;
      printReady(out, stack);
      stopRequested.await();
      err.println("vigil stack: stopping");
      err.flush();
    } finally {
      try {
        stack.close();
        if (started) {
          // Before releasing the hook: once it returns, a Ctrl-C'd JVM halts.
          out.println("vigil stack: stopped");
          out.flush();
        }
      } finally {
        removeHook(hook);
        stopped.countDown();
      }
    }
    return ExitCodes.OK;
  }

  /** Asks a running {@code vigil stack} to stop as Ctrl-C would (tests use it). */
  void requestStop() {
    stopRequested.countDown();
  }

  private void stopFromSignal() {
    stopRequested.countDown();
    try {
      // The command's own thread closes the stack; keep the JVM alive until it has.
      stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down (Ctrl-C): the hook is running and waits for us.
    }
  }

  private void checkPort(String option, int port) {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          option + " must be between 1 and 65535, got " + port);
    }
  }

  private void printReady(PrintWriter out, EmbeddedStack stack) {
    out.println("Vigil local stack is up; data in " + stack.dataDir());
    out.printf("  Kafka       %s  (KRaft, topics are created on first use)%n",
        stack.kafkaBootstrapServers());
    out.printf("  S3          %s  bucket %s, access key %s, secret key %s, path-style%n",
        stack.s3Endpoint(), stack.s3Bucket(), stack.s3AccessKey(), stack.s3SecretKey());
    out.printf("  SMTP        %s:%d  (no auth; every message is also saved in %s)%n",
        stack.smtpHost(), stack.smtpPort(), stack.smtpDirectory());
    out.printf("  IMAP        %s:%d  (log in as the recipient address, any password)%n",
        stack.smtpHost(), stack.imapPort());
    if (withPostgres) {
      out.printf("  PostgreSQL  %s  user %s, password %s%n", stack.postgresJdbcUrl(),
          stack.postgresUser(), stack.postgresPassword());
    }
    out.println();
    out.println(configSnippet(stack));
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  /** A fragment of the vigil YAML schema pointing every sink and channel at this stack. */
  String configSnippet(EmbeddedStack stack) {
    StringBuilder yaml = new StringBuilder()
        .append("# --- vigil config for this stack (add your endpoints: section) ---\n")
        .append("sinks:\n")
        .append("  kafka:\n")
        .append("    bootstrapServers: ").append(stack.kafkaBootstrapServers()).append('\n')
        .append("  s3:\n")
        .append("    bucket: ").append(stack.s3Bucket()).append('\n')
        .append("    region: ").append(stack.s3Region()).append('\n')
        .append("    endpointOverride: ").append(stack.s3Endpoint()).append('\n')
        .append("    pathStyle: true\n")
        .append("    accessKeyId: ").append(stack.s3AccessKey()).append('\n')
        .append("    secretAccessKey: ").append(stack.s3SecretKey()).append('\n')
        .append("alerts:\n")
        .append("  smtp: {host: ").append(stack.smtpHost()).append(", port: ")
        .append(stack.smtpPort()).append(", tls: none}\n");
    if (withPostgres) {
      yaml.append("monitor:\n")
          .append("  jobStore:\n")
          .append("    type: jdbc\n")
          .append("    jdbcUrl: ").append(stack.postgresJdbcUrl()).append('\n')
          .append("    user: ").append(stack.postgresUser()).append('\n')
          .append("    password: ").append(stack.postgresPassword()).append('\n');
    }
    return yaml.append("# --- end of vigil config ---").toString();
  }
}
