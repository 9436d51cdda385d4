package dev.vigil.monitor.truth;

import dev.vigil.capture.format.GroundTruthCodec;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.window.KafkaOffsets;
import dev.vigil.monitor.window.WindowReadException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Ground truth from a Kafka topic, one label line per record value (key: the id, so the labels
 * of one id stay in one partition, in write order). Reads, per partition, the records whose
 * timestamp is in the range: {@code offsetsForTimes(from)} up to {@code offsetsForTimes(to)}.
 * Like {@link dev.vigil.monitor.window.KafkaWindowSource}: {@code assign}, no group, no commits,
 * a read-only replay. Kept apart from the capture reader: labels are small and read on one thread.
 */
public final class KafkaLabelSource implements LabelSource {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final AtomicLong CLIENTS = new AtomicLong();

  private final Properties properties;
  private final String topic;
  private final Duration timeout;
  private final GroundTruthCodec codec = new GroundTruthCodec();

  /** @param consumerProperties at least {@code bootstrap.servers} */
  public KafkaLabelSource(Properties consumerProperties, String topic, Duration timeout) {
    this.properties = new Properties();
    this.properties.putAll(consumerProperties);
    this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public GroundTruth read(Instant from, Instant to, Labels labels) throws WindowReadException {
    GroundTruth truth = new GroundTruth(labels);
    if (!to.isAfter(from)) {
      return truth;
    }
    Properties p = new Properties();
    p.putAll(properties);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-labels-" + topic + "-" + CLIENTS.incrementAndGet());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return truth; // no topic yet: no label was written
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo i : infos) {
        partitions.add(new TopicPartition(topic, i.partition()));
      }
      Map<TopicPartition, Long> starts = KafkaOffsets.at(consumer, partitions, from, timeout);
      Map<TopicPartition, Long> ends = KafkaOffsets.at(consumer, partitions, to, timeout);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (TopicPartition tp : partitions) {
        if (starts.get(tp) < ends.get(tp)) {
          remaining.put(tp, ends.get(tp));
        }
      }
      if (remaining.isEmpty()) {
        return truth;
      }
      consumer.assign(remaining.keySet());
      remaining.keySet().forEach(tp -> consumer.seek(tp, starts.get(tp)));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!remaining.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new WindowReadException("ground-truth topic " + topic + ": end offsets " + remaining
              + " not reached within " + timeout + " (is the broker healthy?)", null);
        }
        var batch = consumer.poll(POLL);
        for (TopicPartition tp : batch.partitions()) {
          Long end = remaining.get(tp);
          if (end == null) {
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= end) {
              break;
            }
            add(truth, r);
          }
        }
        for (TopicPartition tp : new ArrayList<>(remaining.keySet())) {
          if (consumer.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
            consumer.pause(List.of(tp));
          }
        }
      }
    } catch (KafkaException e) {
      throw new WindowReadException("cannot read ground-truth topic " + topic + ": " + e.getMessage()
          + " (check sinks.kafka.bootstrapServers and monitor.groundTruth.topic)", e);
    }
    return truth;
  }

  private void add(GroundTruth truth, ConsumerRecord<byte[], byte[]> r) {
    byte[] v = r.value();
    String where = topic + "-" + r.partition() + "@" + r.offset();
    if (v == null) {
      truth.malformed(where + ": null value; expected one ground-truth JSON object");
      return;
    }
    try {
      truth.add(codec.read(v, 0, v.length));
    } catch (MalformedCaptureException e) {
      truth.malformed(where + ": " + e.getMessage());
    }
  }
}
