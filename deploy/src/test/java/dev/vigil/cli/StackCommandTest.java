package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.JobStoreType;
import dev.vigil.config.VigilConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil stack} end to end, in this JVM, against the real servers it starts. */
class StackCommandTest {
  @TempDir Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void printsAddressesAndAConfigThatLoadsThenStopsCleanlyAndFreesPorts() throws Exception {
    int kafka = freePort();
    int s3 = freePort();
    int smtp = freePort();
    int imap = freePort();
    int postgres = freePort();
    CommandLine cli = cli();
    StackCommand command = cli.getSubcommands().get("stack").getCommand();

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("stack",
        "--data-dir", dataDir.toString(), "--kafka-port", "" + kafka, "--s3-port", "" + s3,
        "--smtp-port", "" + smtp, "--imap-port", "" + imap, "--with-postgres",
        "--postgres-port", "" + postgres));
    awaitOutput("Press Ctrl-C to stop.", exit);

    String printed = out.toString();
    assertThat(printed)
        .contains("Kafka       127.0.0.1:" + kafka)
        .contains("S3          http://127.0.0.1:" + s3 + "  bucket vigil")
        .contains("SMTP        127.0.0.1:" + smtp)
        .contains("IMAP        127.0.0.1:" + imap)
        .contains("PostgreSQL  jdbc:postgresql://127.0.0.1:" + postgres + "/postgres");
    assertThat(err.toString()).contains("vigil stack: kafka: ready on 127.0.0.1:" + kafka);

    VigilConfig config = ConfigLoader.parse("endpoints:\n  - name: traffic-signs\n"
        + "    upstream: http://127.0.0.1:8080\n" + snippet(printed), Map.of());
    assertThat(config.sinks().kafka().bootstrapServers()).isEqualTo("127.0.0.1:" + kafka);
    assertThat(config.sinks().s3().endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:" + s3));
    assertThat(config.sinks().s3().pathStyle()).isTrue();
    assertThat(config.sinks().s3().bucket()).isEqualTo("vigil");
    assertThat(config.sinks().s3().accessKeyId().reveal()).isEqualTo("vigil");
    assertThat(config.alerts().smtp().port()).isEqualTo(smtp);
    assertThat(config.monitor().jobStore().type()).isEqualTo(JobStoreType.JDBC);
    assertThat(config.monitor().jobStore().jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres + "/postgres");

    command.requestStop();

    assertThat(exit.get(60, TimeUnit.SECONDS)).isEqualTo(0);
    assertThat(out.toString()).endsWith("vigil stack: stopped" + System.lineSeparator());
    for (int port : new int[] {kafka, s3, smtp, imap, postgres}) {
      assertThat(listening(port)).as("port %d after stop", port).isFalse();
    }
  }

  @Test
  void portInUseExitsWithOneAndOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();

      int code = cli().execute("stack", "--data-dir", dataDir.toString(),
          "--kafka-port", "" + port, "--s3-port", "" + freePort(),
          "--smtp-port", "" + freePort(), "--imap-port", "" + freePort());

      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).contains("vigil stack: Kafka port " + port + " on 127.0.0.1 is "
          + "already in use; stop the other process or pass --kafka-port" + System.lineSeparator());
      assertThat(out.toString()).isEmpty();
    }
  }

  @Test
  void unwritableDataDirExitsWithOne() throws Exception {
    Path file = java.nio.file.Files.writeString(dataDir.resolve("file"), "x");

    int code = cli().execute("stack", "--data-dir", file.resolve("sub").toString(),
        "--kafka-port", "" + freePort(), "--s3-port", "" + freePort(),
        "--smtp-port", "" + freePort(), "--imap-port", "" + freePort());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("is not writable")
        .contains("pass --data-dir with a writable directory");
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    int code = cli().execute("stack", "--s3-port", "70000");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--s3-port must be between 1 and 65535, got 70000");
  }

  @Test
  void sameFixedPortTwiceIsAUsageError() {
    int code = cli().execute("stack", "--data-dir", dataDir.toString(), "--smtp-port", "2600",
        "--imap-port", "2600");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("imapPort and smtpPort are both 2600");
  }

  @Test
  void helpListsEveryOption() {
    int code = cli().execute("stack", "--help");

    assertThat(code).isEqualTo(0);
    assertThat(out.toString()).contains("--data-dir", "--kafka-port", "--s3-port", "--smtp-port",
        "--imap-port", "--with-postgres", "--postgres-port", "Default: 9092");
  }

  private CommandLine cli() {
    return TestCli.capturing(out, err);
  }

  private void awaitOutput(String marker, CompletableFuture<Integer> exit) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!out.toString().contains(marker)) {
      if (exit.isDone()) {
        throw new AssertionError("vigil stack exited with " + exit.get() + ": " + err);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("vigil stack did not come up: " + err);
      }
      Thread.sleep(50);
    }
  }

  /** The YAML between the snippet's start and end comments. */
  private static String snippet(String printed) {
    int start = printed.indexOf("# --- vigil config");
    int end = printed.indexOf("# --- end of vigil config ---");
    assertThat(start).isNotNegative();
    assertThat(end).isGreaterThan(start);
    return printed.substring(start, end);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
