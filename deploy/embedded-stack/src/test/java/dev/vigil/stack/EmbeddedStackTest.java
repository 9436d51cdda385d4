package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One stack (Kafka, S3, SMTP) shared by every test here; real servers over loopback. */
class EmbeddedStackTest {
  private static EmbeddedStack stack;
  private static S3Client s3;

  @BeforeAll
  static void startStack() {
    stack = EmbeddedStack.builder().build().start();
    s3 = Clients.s3(stack);
  }

  @AfterAll
  static void stopStack() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void serversListenOnLoopbackOnly() {
    assertThat(stack.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + stack.kafkaPort());
    assertThat(stack.s3Endpoint().toString()).isEqualTo("http://127.0.0.1:" + stack.s3Port());
    assertThat(stack.smtpHost()).isEqualTo("127.0.0.1");
    for (int port : new int[] {stack.kafkaPort(), stack.s3Port(), stack.smtpPort(),
        stack.imapPort()}) {
      assertThat(Ports.isListening(port)).as("port %d", port).isTrue();
    }
    assertThat(stack.startupTimes()).containsKeys("kafka", "s3", "smtp", "total");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void recordProducedToKafkaIsConsumedBack(String compression) throws Exception {
    String topic = "vigil.capture.roundtrip-" + compression;
    byte[] value = ("{\"captureData\":{},\"compression\":\"" + compression + "\"}"
        + "x".repeat(2_000)).getBytes(StandardCharsets.UTF_8);
    RecordMetadata sent = Clients.produce(stack.kafkaBootstrapServers(), topic, compression,
        "event-1".getBytes(StandardCharsets.UTF_8), value);

    List<ConsumerRecord<byte[], byte[]>> records =
        Clients.consume(stack.kafkaBootstrapServers(), topic, 1);

    assertThat(records).hasSize(1);
    assertThat(records.get(0).offset()).isEqualTo(sent.offset());
    assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("event-1");
    assertThat(records.get(0).value()).isEqualTo(value);
  }

  @Test
  void defaultBucketExistsAndObjectIsListedAndReadBack() {
    assertThat(s3.listBuckets().buckets()).anySatisfy(b -> assertThat(b.name()).isEqualTo("vigil"));
    String key = "capture/traffic-signs/v1/2026/11/23/11/sample.jsonl";
    byte[] body = "{\"line\":1}\n{\"line\":2}\n".getBytes(StandardCharsets.UTF_8);
    s3.putObject(r -> r.bucket(stack.s3Bucket()).key(key).contentType("application/jsonl"),
        RequestBody.fromBytes(body));

    List<String> keys = s3.listObjectsV2(r -> r.bucket(stack.s3Bucket())
        .prefix("capture/traffic-signs/")).contents().stream().map(S3Object::key).toList();
    byte[] read = s3.getObjectAsBytes(r -> r.bucket(stack.s3Bucket()).key(key)).asByteArray();

    assertThat(keys).containsExactly(key);
    assertThat(read).isEqualTo(body);
  }

  @Test
  void twelveMegabyteObjectUploadsByMultipartAndReadsBackIntact() {
    byte[] data = new byte[12 * 1024 * 1024];
    new Random(42).nextBytes(data);
    String key = "multipart/twelve-mb.bin";
    String uploadId = s3.createMultipartUpload(r -> r.bucket(stack.s3Bucket()).key(key))
        .uploadId();
    int partSize = 5 * 1024 * 1024;
    List<CompletedPart> parts = new ArrayList<>();
    for (int offset = 0, n = 1; offset < data.length; offset += partSize, n++) {
      int length = Math.min(partSize, data.length - offset);
      int partNumber = n;
      String etag = s3.uploadPart(r -> r.bucket(stack.s3Bucket()).key(key).uploadId(uploadId)
              .partNumber(partNumber),
          RequestBody.fromBytes(java.util.Arrays.copyOfRange(data, offset, offset + length)))
          .eTag();
      parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
    }
    s3.completeMultipartUpload(r -> r.bucket(stack.s3Bucket()).key(key).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));

    assertThat(parts).hasSize(3);
    assertThat(s3.headObject(r -> r.bucket(stack.s3Bucket()).key(key)).contentLength())
        .isEqualTo(data.length);
    assertThat(s3.getObjectAsBytes(r -> r.bucket(stack.s3Bucket()).key(key)).asByteArray())
        .isEqualTo(data);
  }

  @Test
  void emailWithAttachmentArrivesIntactAndIsKeptAsEmlFile() throws Exception {
    byte[] png = new byte[50_000];
    new Random(7).nextBytes(png);
    String subject = "[vigil] traffic-signs: class share violated";
    Clients.sendWithAttachment(stack, "oncall@vigil.test", subject, png);

    await().atMost(Duration.ofSeconds(10)).until(() -> stack.receivedMessages().stream()
        .anyMatch(m -> subjectIs(m, subject)));
    List<byte[]> overImap = Clients.imapAttachments(stack, "oncall@vigil.test", subject);
    assertThat(overImap).hasSize(1);
    assertThat(overImap.get(0)).isEqualTo(png);

    Path eml = emlWithSubject(subject);
    try (InputStream in = Files.newInputStream(eml)) {
      MimeMessage kept = new MimeMessage(Session.getInstance(new Properties()), in);
      assertThat(kept.getAllRecipients()[0].toString()).isEqualTo("oncall@vigil.test");
      assertThat(Clients.attachmentOf(kept)).isEqualTo(png);
    }
  }

  @Test
  void messageToTwoRecipientsIsKeptOnceAndDeliveredToBoth() throws Exception {
    String subject = "[vigil] two recipients";
    Clients.sendWithAttachment(stack, "a@vigil.test, b@vigil.test", subject, new byte[] {1, 2});

    await().atMost(Duration.ofSeconds(10)).until(() -> stack.receivedMessages().stream()
        .filter(m -> subjectIs(m, subject)).count() == 2);
    assertThat(Clients.imapAttachments(stack, "a@vigil.test", subject)).hasSize(1);
    assertThat(Clients.imapAttachments(stack, "b@vigil.test", subject)).hasSize(1);
    assertThat(emlFilesWithSubject(subject)).hasSize(1);
  }

  @Test
  void kafkaRestartsOnSamePortWithItsData() throws Exception {
    String topic = "vigil.restart.kafka";
    byte[] before = "before-restart".getBytes(StandardCharsets.UTF_8);
    Clients.produce(stack.kafkaBootstrapServers(), topic, "zstd", null, before);
    String bootstrap = stack.kafkaBootstrapServers();

    stack.stopKafka();
    assertThat(stack.isKafkaRunning()).isFalse();
    assertThat(Ports.isListening(stack.kafkaPort())).isFalse();
    stack.startKafka();

    assertThat(stack.kafkaBootstrapServers()).isEqualTo(bootstrap);
    byte[] after = "after-restart".getBytes(StandardCharsets.UTF_8);
    Clients.produce(bootstrap, topic, "lz4", null, after);
    List<ConsumerRecord<byte[], byte[]>> records = Clients.consume(bootstrap, topic, 2);
    assertThat(records).extracting(ConsumerRecord::value).containsExactly(before, after);
  }

  @Test
  void s3RestartsOnSamePortWithItsObjects() {
    String key = "restart/kept.txt";
    s3.putObject(r -> r.bucket(stack.s3Bucket()).key(key), RequestBody.fromString("kept"));
    int port = stack.s3Port();

    stack.stopS3();
    assertThat(Ports.isListening(port)).isFalse();
    stack.startS3();

    assertThat(stack.s3Port()).isEqualTo(port);
    assertThat(s3.getObjectAsBytes(r -> r.bucket(stack.s3Bucket()).key(key)).asUtf8String())
        .isEqualTo("kept");
  }

  @Test
  void smtpRestartsOnSamePortsWithItsMail() throws Exception {
    String subject = "[vigil] before smtp restart";
    byte[] attachment = "restart".getBytes(StandardCharsets.UTF_8);
    Clients.sendWithAttachment(stack, "restart@vigil.test", subject, attachment);
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.receivedMessages().stream()
        .anyMatch(m -> subjectIs(m, subject)));
    int smtpPort = stack.smtpPort();
    int imapPort = stack.imapPort();

    stack.stopSmtp();
    assertThat(Ports.isListening(smtpPort)).isFalse();
    assertThat(Ports.isListening(imapPort)).isFalse();
    assertThat(stack.receivedMessages()).isEmpty();
    stack.startSmtp();

    assertThat(stack.smtpPort()).isEqualTo(smtpPort);
    assertThat(stack.imapPort()).isEqualTo(imapPort);
    assertThat(Clients.imapAttachments(stack, "restart@vigil.test", subject))
        .containsExactly(attachment);
    assertThat(emlFilesWithSubject(subject)).hasSize(1);
  }

  private static boolean subjectIs(MimeMessage m, String subject) {
    try {
      return subject.equals(m.getSubject());
    } catch (jakarta.mail.MessagingException e) {
      return false;
    }
  }

  private static Path emlWithSubject(String subject) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> !emlFilesWithSubject(subject).isEmpty());
    return emlFilesWithSubject(subject).get(0);
  }

  private static List<Path> emlFilesWithSubject(String subject) throws Exception {
    List<Path> matches = new ArrayList<>();
    try (Stream<Path> files = Files.list(stack.smtpDirectory())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
        try (InputStream in = Files.newInputStream(p)) {
          if (subject.equals(new MimeMessage(Session.getInstance(new Properties()), in)
              .getSubject())) {
            matches.add(p);
          }
        }
      }
    }
    return matches;
  }
}
