package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Starting, stopping and failing to start: ports are freed and errors are one readable line. */
class EmbeddedStackLifecycleTest {
  @TempDir Path dataDir;

  @Test
  void stopsCleanlyFreesItsPortsAndStartsAgainOnTheSamePortsWithItsData() throws Exception {
    int kafkaPort = Ports.pickFree();
    int s3Port = Ports.pickFree();
    int smtpPort = Ports.pickFree();
    int imapPort = Ports.pickFree();
    EmbeddedStack.Builder builder = EmbeddedStack.builder().dataDir(dataDir)
        .kafkaPort(kafkaPort).s3Port(s3Port).smtpPort(smtpPort).imapPort(imapPort);
    byte[] record = "survives a full restart".getBytes(StandardCharsets.UTF_8);

    try (EmbeddedStack first = builder.build().start()) {
      Clients.produce(first.kafkaBootstrapServers(), "vigil.lifecycle", "zstd", null, record);
      try (S3Client s3 = Clients.s3(first)) {
        s3.putObject(r -> r.bucket(first.s3Bucket()).key("kept.txt"), RequestBody.fromString("1"));
      }
    }
    for (int port : new int[] {kafkaPort, s3Port, smtpPort, imapPort}) {
      assertThat(Ports.isListening(port)).as("port %d after close", port).isFalse();
    }

    try (EmbeddedStack second = builder.build().start()) {
      assertThat(second.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
      assertThat(second.s3Port()).isEqualTo(s3Port);
      assertThat(second.smtpPort()).isEqualTo(smtpPort);
      assertThat(second.imapPort()).isEqualTo(imapPort);
      assertThat(Clients.consume(second.kafkaBootstrapServers(), "vigil.lifecycle", 1))
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly("survives a full restart");
      try (S3Client s3 = Clients.s3(second)) {
        assertThat(s3.getObjectAsBytes(r -> r.bucket(second.s3Bucket()).key("kept.txt"))
            .asUtf8String()).isEqualTo("1");
      }
    }
    for (int port : new int[] {kafkaPort, s3Port, smtpPort, imapPort}) {
      assertThat(Ports.isListening(port)).as("port %d after second close", port).isFalse();
    }
    assertThat(dataDir.resolve("kafka/meta.properties")).exists();
  }

  @Test
  void kafkaPortInUseFailsWithOneLineMessageBeforeStartingAnything() throws IOException {
    try (ServerSocket taken = occupy()) {
      int port = taken.getLocalPort();
      int smtpPort = Ports.pickFree();
      EmbeddedStack stack = EmbeddedStack.builder().dataDir(dataDir).kafkaPort(port)
          .smtpPort(smtpPort).build();

      assertThatThrownBy(stack::start)
          .isInstanceOf(StackException.class)
          .hasMessage("Kafka port " + port + " on 127.0.0.1 is already in use; stop the other "
              + "process or pass --kafka-port");
      assertThat(Ports.isListening(smtpPort)).isFalse();
    }
  }

  @Test
  void s3AndSmtpPortsInUseNameTheirOption() throws IOException {
    try (ServerSocket taken = occupy()) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedStack.builder().dataDir(dataDir).kafka(false).smtp(false)
              .s3Port(port).build().start())
          .hasMessage("S3 port " + port + " on 127.0.0.1 is already in use; stop the other "
              + "process or pass --s3-port");
      assertThatThrownBy(() -> EmbeddedStack.builder().dataDir(dataDir).kafka(false).s3(false)
              .smtpPort(port).build().start())
          .hasMessage("SMTP port " + port + " on 127.0.0.1 is already in use; stop the other "
              + "process or pass --smtp-port");
    }
  }

  @Test
  void unwritableDataDirFailsWithOneLineMessage() throws IOException {
    Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
    Path under = file.resolve("vigil-data");

    assertThatThrownBy(() -> EmbeddedStack.builder().dataDir(under).build().start())
        .isInstanceOf(StackException.class)
        .hasMessageStartingWith("Data directory " + under.toAbsolutePath() + " is not writable")
        .hasMessageEndingWith("; pass --data-dir with a writable directory")
        .hasMessageNotContaining("\n");
  }

  @Test
  void failingStartStopsWhatItAlreadyStarted() throws IOException {
    // SMTP starts first; S3 then fails because its directory is a file.
    Files.writeString(dataDir.resolve("s3"), "in the way");
    int smtpPort = Ports.pickFree();
    int imapPort = Ports.pickFree();
    EmbeddedStack stack = EmbeddedStack.builder().dataDir(dataDir).kafka(false)
        .smtpPort(smtpPort).imapPort(imapPort).build();

    assertThatThrownBy(stack::start)
        .isInstanceOf(StackException.class)
        .hasMessageStartingWith("S3 server failed to start");
    assertThat(Ports.isListening(smtpPort)).isFalse();
    assertThat(Ports.isListening(imapPort)).isFalse();
    assertThatThrownBy(stack::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderRejectsBadAndDuplicatePorts() {
    assertThatThrownBy(() -> EmbeddedStack.builder().kafkaPort(70000))
        .hasMessage("kafkaPort must be 0 (any free port) or 1..65535, got 70000");
    assertThatThrownBy(() -> EmbeddedStack.builder().dataDir(dataDir).s3Port(9000)
            .smtpPort(9000).build())
        .hasMessage("smtpPort and s3Port are both 9000; give each server its own port");
  }

  @Test
  void askingForADisabledServerSaysHowToEnableIt() {
    try (EmbeddedStack stack = EmbeddedStack.builder().dataDir(dataDir).kafka(false).s3(false)
        .smtp(false).build()) {
      assertThatThrownBy(stack::postgresJdbcUrl)
          .hasMessage("PostgreSQL is not enabled in this stack; use postgres(true)");
      assertThatThrownBy(stack::kafkaBootstrapServers)
          .hasMessage("Kafka is not enabled in this stack; use kafka(true)");
    }
  }

  @Test
  void temporaryDataDirIsDeletedOnClose() {
    EmbeddedStack stack = EmbeddedStack.builder().kafka(false).smtp(false).build().start();
    Path dir = stack.dataDir();
    assertThat(dir.resolve("s3/vigil")).isDirectory();

    stack.close();

    assertThat(dir).doesNotExist();
  }

  private static ServerSocket occupy() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    return socket;
  }
}
