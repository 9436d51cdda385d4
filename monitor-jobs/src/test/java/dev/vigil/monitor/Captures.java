package dev.vigil.monitor;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds realistic capture records and writes them the way the capture agent does. */
final class Captures {
  static final CaptureRecordCodec CODEC = new CaptureRecordCodec();
  static final int CLASSES = 43;

  private Captures() {}

  /** A 43-class probability vector with {@code conf} on {@code cls}, the rest spread unevenly. */
  static String probabilities(int cls, double conf, Random rnd) {
    double[] v = new double[CLASSES];
    double rest = 0;
    for (int c = 0; c < CLASSES; c++) {
      if (c != cls) {
        v[c] = 0.5 + rnd.nextDouble();
        rest += v[c];
      }
    }
    for (int c = 0; c < CLASSES; c++) {
      v[c] = c == cls ? conf : v[c] / rest * (1 - conf);
    }
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < CLASSES; c++) {
      sb.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", v[c]));
    }
    return sb.append(']').toString();
  }

  static CaptureRecord record(String endpoint, String eventId, Instant t, String outputJson, Random rnd) {
    byte[] image = new byte[600];
    rnd.nextBytes(image);
    return new CaptureRecord(
        CapturedBody.base64("image/png", CapturedBody.INPUT, image),
        CapturedBody.text("application/json", CapturedBody.OUTPUT, outputJson),
        eventId, t, null, CaptureRecord.EVENT_VERSION,
        new VigilMetadata(endpoint, "v1", 1234, 200, false));
  }

  /** Writes lines as one JSONL object keyed by its first record's time; returns the key. */
  static String putObject(S3Client s3, String bucket, String prefix, String endpoint, Instant firstTime, List<byte[]> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      out.writeBytes(l);
      out.write('\n');
    }
    String key = CaptureLayout.objectKey(prefix, endpoint, "v1", firstTime, UUID.nameUUIDFromBytes(firstTime.toString().getBytes()));
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(out.toByteArray()));
    return key;
  }

  /** Produces one line as a Kafka record with the given timestamp (the agent's produce time). */
  static void produce(Producer<byte[], byte[]> p, String topic, int partition, Instant ts, String key, byte[] value) {
    p.send(new ProducerRecord<>(topic, partition, ts.toEpochMilli(), key == null ? null : key.getBytes(), value));
  }

  static byte[] truncated(byte[] line) {
    return Arrays.copyOf(line, line.length / 2);
  }
}
