package dev.vigil.capture.agent;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.stack.EmbeddedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads back what the agent wrote into the embedded stack's real Kafka and S3. */
final class StackCaptures implements AutoCloseable {
  private final EmbeddedStack stack;
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  final S3Client s3;

  /** A Kafka record read back: its key and parsed value. */
  record KafkaCapture(String key, CaptureRecord record) {}

  /** An S3 JSONL object read back. */
  record S3Capture(String key, CaptureRecord record) {}

  StackCaptures(EmbeddedStack stack) {
    this.stack = stack;
    this.s3 =
        S3Client.builder()
            .endpointOverride(stack.s3Endpoint())
            .forcePathStyle(true)
            .region(Region.of(stack.s3Region()))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
            .build();
  }

  static AgentSettings.KafkaSettings kafka(EmbeddedStack stack) {
    return new AgentSettings.KafkaSettings(stack.kafkaBootstrapServers(), "vigil.capture.{endpoint}", "zstd", Map.of());
  }

  static AgentSettings.S3Settings s3(EmbeddedStack stack, String prefix, long objectMaxBytes, Duration maxAge) {
    return new AgentSettings.S3Settings(stack.s3Bucket(), prefix, stack.s3Region(), stack.s3Endpoint(), true,
        stack.s3AccessKey(), stack.s3SecretKey(), objectMaxBytes, maxAge);
  }

  /** Every record of a topic, polling until {@code atLeast} arrived and then {@code settle} more. */
  List<KafkaCapture> kafka(String topic, int atLeast, Duration timeout, Duration settle) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<KafkaCapture> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(new KafkaCapture(r.key(), codec.parse(r.value())));
        }
        if (out.size() >= atLeast && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return out;
  }

  List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(stack.s3Bucket()).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        // S3Proxy's filesystem store lists directory markers and, while a PUT is in progress, its
        // temporary file ("<key>-<uuid>"); neither is an object the agent wrote.
        .filter(k -> k.endsWith(".jsonl"))
        .toList();
  }

  /** Every record of every object under the prefix. */
  List<S3Capture> s3Records(String prefix) throws Exception {
    List<S3Capture> out = new ArrayList<>();
    for (String key : keys(prefix)) {
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(key)).asByteArray();
      int start = 0;
      for (int i = 0; i < body.length; i++) {
        if (body[i] == '\n') {
          if (i > start) {
            out.add(new S3Capture(key, codec.parse(java.util.Arrays.copyOfRange(body, start, i))));
          }
          start = i + 1;
        }
      }
      if (start < body.length) {
        out.add(new S3Capture(key, codec.parse(java.util.Arrays.copyOfRange(body, start, body.length))));
      }
    }
    return out;
  }

  /** Number of records under the prefix (counting lines). */
  int s3Count(String prefix) {
    int n = 0;
    for (String key : keys(prefix)) {
      for (byte b : s3.getObjectAsBytes(r -> r.bucket(stack.s3Bucket()).key(key)).asByteArray()) {
        if (b == '\n') {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    s3.close();
  }

}
