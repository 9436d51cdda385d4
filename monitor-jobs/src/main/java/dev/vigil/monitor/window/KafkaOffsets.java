package dev.vigil.monitor.window;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Time-to-offset lookups shared by the readers of time ranges of a topic (captures, ground truth). */
public final class KafkaOffsets {
  private KafkaOffsets() {}

  /** Per partition: the first offset with timestamp >= t, or the end offset when none. */
  public static Map<TopicPartition, Long> at(
      Consumer<?, ?> consumer, List<TopicPartition> partitions, Instant t, Duration timeout) {
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : partitions) {
      query.put(tp, Math.max(0, t.toEpochMilli()));
    }
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o == null ? ends.get(tp) : o.offset());
    }
    return out;
  }
}
