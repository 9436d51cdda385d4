package dev.vigil.monitor.flag;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.MalformedCaptureException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Fetches the captured record behind a {@link FlaggedSample} ({@link CaptureLocation}): S3 line
 * {@code n} of an object (streamed up to that line), or one Kafka record (assign + seek, no
 * consumer group). Saliency replay uses it to get the input image back.
 *
 * <p>Thread-safe (calls are serialized: the Kafka consumer is not thread-safe and is reused).
 */
public final class CaptureFetcher implements AutoCloseable {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final S3Client s3;
  private final Properties kafka;
  private final CaptureRecordCodec codec;
  private KafkaConsumer<byte[], byte[]> consumer; // guarded by this

  /**
   * @param s3OrNull S3 client for S3 locations (not closed here)
   * @param kafkaOrNull consumer properties ({@code bootstrap.servers} at least) for Kafka locations
   */
  public CaptureFetcher(S3Client s3OrNull, Properties kafkaOrNull, CaptureRecordCodec codec) {
    this.s3 = s3OrNull;
    this.kafka = kafkaOrNull;
    this.codec = codec;
  }

  /**
   * The record at {@code location}.
   *
   * @throws IOException when it cannot be reached or is gone (retention, lifecycle rules), or
   *     is not a capture record; the message names the location
   */
  public synchronized CaptureRecord fetch(CaptureLocation location) throws IOException {
    byte[] line = switch (location.kind()) {
      case S3 -> s3Line(location);
      case KAFKA -> kafkaValue(location);
      case FILE -> fileLine(location);
    };
    try {
      return codec.parse(line);
    } catch (MalformedCaptureException e) {
      throw new IOException(location.uri() + " is not a capture record: " + e.getMessage(), e);
    }
  }

  /**
   * A fetched record, or why it could not be fetched.
   *
   * @param record the record, null on failure
   * @param error one line, null on success
   */
  public record Fetched(CaptureRecord record, String error) {}

  /**
   * The records at {@code locations}, in order; an S3 object holding several of them is read once
   * (a window's sample of inputs often lies in few objects). Failures are reported per location.
   */
  public synchronized List<Fetched> fetchAll(List<CaptureLocation> locations) {
    Fetched[] out = new Fetched[locations.size()];
    java.util.Map<String, List<Integer>> byObject = new java.util.LinkedHashMap<>();
    for (int i = 0; i < locations.size(); i++) {
      CaptureLocation loc = locations.get(i);
      if (loc.kind() == CaptureLocation.Kind.S3 && s3 != null) {
        byObject.computeIfAbsent(loc.bucket() + "\n" + loc.key(), k -> new java.util.ArrayList<>()).add(i);
      } else {
        out[i] = fetchOne(loc);
      }
    }
    for (List<Integer> indices : byObject.values()) {
      indices.sort(java.util.Comparator.comparingLong(i -> locations.get(i).line()));
      CaptureLocation first = locations.get(indices.get(0));
      try (InputStream in = new BufferedInputStream(
          s3.getObject(b -> b.bucket(first.bucket()).key(first.key())), 64 * 1024)) {
        long line = 1;
        for (int i : indices) {
          CaptureLocation loc = locations.get(i);
          int b = 0;
          while (line < loc.line() && (b = in.read()) >= 0) {
            if (b == '\n') {
              line++;
            }
          }
          if (line < loc.line()) {
            out[i] = new Fetched(null, loc.uri() + ": the object has only " + line + " lines");
            continue;
          }
          ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
          while ((b = in.read()) >= 0 && b != '\n') {
            bytes.write(b);
          }
          line++;
          out[i] = parsed(loc, bytes.toByteArray());
        }
      } catch (IOException | SdkException e) {
        for (int i : indices) {
          if (out[i] == null) {
            out[i] = new Fetched(null, "cannot fetch " + locations.get(i).uri() + ": " + e.getMessage());
          }
        }
      }
    }
    return List.of(out);
  }

  private Fetched fetchOne(CaptureLocation loc) {
    try {
      return new Fetched(fetch(loc), null);
    } catch (IOException e) {
      return new Fetched(null, e.getMessage());
    }
  }

  private Fetched parsed(CaptureLocation loc, byte[] line) {
    try {
      return new Fetched(codec.parse(line), null);
    } catch (MalformedCaptureException e) {
      return new Fetched(null, loc.uri() + " is not a capture record: " + e.getMessage());
    }
  }

  private static byte[] fileLine(CaptureLocation loc) throws IOException {
    try (InputStream in = new BufferedInputStream(java.nio.file.Files.newInputStream(java.nio.file.Path.of(loc.key())), 64 * 1024)) {
      return nthLine(in, loc);
    }
  }

  private byte[] s3Line(CaptureLocation loc) throws IOException {
    if (s3 == null) {
      throw new IOException("cannot fetch " + loc.uri() + ": no S3 client configured (sinks.s3)");
    }
    try (InputStream in = new BufferedInputStream(s3.getObject(b -> b.bucket(loc.bucket()).key(loc.key())), 64 * 1024)) {
      return nthLine(in, loc);
    } catch (SdkException e) {
      throw new IOException("cannot fetch " + loc.uri() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] nthLine(InputStream in, CaptureLocation loc) throws IOException {
    {
      long line = 1;
      int b;
      while (line < loc.line() && (b = in.read()) >= 0) {
        if (b == '\n') {
          line++;
        }
      }
      if (line < loc.line()) {
        throw new IOException(loc.uri() + ": the object has only " + line + " lines");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      while ((b = in.read()) >= 0 && b != '\n') {
        out.write(b);
      }
      return out.toByteArray();
    }
  }

  private byte[] kafkaValue(CaptureLocation loc) throws IOException {
    if (kafka == null) {
      throw new IOException("cannot fetch " + loc.uri() + ": no Kafka configured (sinks.kafka)");
    }
    try {
      if (consumer == null) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      }
      TopicPartition tp = new TopicPartition(loc.topic(), loc.partition());
      consumer.assign(List.of(tp));
      consumer.seek(tp, loc.offset());
      long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() == loc.offset()) {
            return r.value() == null ? new byte[0] : r.value();
          }
          if (r.offset() > loc.offset()) {
            throw new IOException(loc.uri() + " is gone (compacted or past retention)");
          }
        }
      }
      throw new IOException("cannot fetch " + loc.uri() + " within " + KAFKA_TIMEOUT + " (offset past retention or broker down)");
    } catch (KafkaException e) {
      throw new IOException("cannot fetch " + loc.uri() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }
}
