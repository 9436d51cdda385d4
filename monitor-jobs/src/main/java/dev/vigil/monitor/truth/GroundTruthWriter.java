package dev.vigil.monitor.truth;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.GroundTruthCodec;
import dev.vigil.capture.format.GroundTruthRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes ground-truth labels where the monitor reads them ({@link S3LabelSource}, {@link
 * KafkaLabelSource}): one S3 object per {@link #write} call under the hourly layout of the write
 * time, or one Kafka record per label (key = id, so corrections of one id stay ordered). A call
 * returns once everything it was given is stored (S3 put done, Kafka acks received), so a caller
 * that saw it return lost nothing. Used by {@code vigil labels push} and the demo.
 */
public final class GroundTruthWriter implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

  private final GroundTruthCodec codec = new GroundTruthCodec();
  private final S3Client s3; // not owned
  private final String bucket;
  private final String prefix;
  private final Clock clock;
  private final Producer<byte[], byte[]> producer; // owned
  private final String topic;

  private GroundTruthWriter(S3Client s3, String bucket, String prefix, Clock clock, Producer<byte[], byte[]> producer,
      String topic) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.clock = clock;
    this.producer = producer;
    this.topic = topic;
  }

  /** Labels to S3 objects {@code prefix/yyyy/MM/dd/HH/<time>-<uuid>.jsonl}; the client is not closed here. */
  public static GroundTruthWriter s3(S3Client s3, String bucket, String prefix, Clock clock) {
    return new GroundTruthWriter(s3, bucket, prefix, clock, null, null);
  }

  /** Labels to a Kafka topic, {@code acks=all}. */
  public static GroundTruthWriter kafka(Properties clientProperties, String topic) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put("acks", "all");
    p.putIfAbsent("client.id", "vigil-labels-writer");
    return new GroundTruthWriter(null, null, null, null,
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()), topic);
  }

  /** Where the labels go, for messages: {@code s3://bucket/prefix/} or {@code kafka topic T}. */
  public String destination() {
    return producer == null ? "s3://" + bucket + "/" + prefix + "/" : "Kafka topic " + topic;
  }

  /**
   * Stores one batch.
   *
   * @return the S3 key written, or null for Kafka
   * @throws IOException saying which store refused and what to check; nothing of the batch may be
   *     assumed stored then
   */
  public String write(List<GroundTruthRecord> batch) throws IOException {
    if (batch.isEmpty()) {
      return null;
    }
    if (producer == null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 120);
      for (GroundTruthRecord r : batch) {
        out.writeBytes(codec.write(r));
        out.write('\n');
      }
      String key = CaptureLayout.objectKey(prefix, clock.instant(), UUID.randomUUID());
      try {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/jsonl"), RequestBody.fromBytes(out.toByteArray()));
      } catch (SdkException e) {
        throw new IOException("cannot write labels to s3://" + bucket + "/" + key + ": " + e.getMessage()
            + " (check sinks.s3 endpoint, bucket and credentials)", e);
      }
      return key;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
    try {
      for (GroundTruthRecord r : batch) {
        sent.add(producer.send(new ProducerRecord<>(topic, r.id().getBytes(StandardCharsets.UTF_8), codec.write(r))));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing labels to Kafka topic " + topic, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IOException("cannot write labels to Kafka topic " + topic + ": " + cause.getMessage()
          + " (check sinks.kafka.bootstrapServers)", cause);
    }
    return null;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
