package dev.vigil.monitor.window;

import dev.vigil.capture.format.CaptureLineReader;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.stats.UnusableReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a window from an endpoint's capture topic.
 *
 * <p>For every partition: start at {@code offsetsForTimes(start - grace)}, stop before {@code
 * offsetsForTimes(end + grace)} (or the end offset when no record is that late), keep records
 * whose inferenceTime is in the window. The grace covers the gap between inference and produce
 * time (the agent produces after the response; its spool may hold records for a while); records
 * produced later than {@code end + grace} are only in S3.
 *
 * <p>The consumer uses {@code assign}, no group and no commits: a window read is a read-only
 * replay that never moves anybody's offsets. Records of other variants on the topic are skipped.
 * Values that are not capture records are attributed to the window by their Kafka timestamp.
 *
 * <p><b>Re-sends.</b> Delivery is at least once (the agent re-sends what it could not confirm), so
 * a record whose eventId was already read in this window is skipped and counted ({@link
 * CaptureVisitor#duplicate}). The set of eventIds seen is shared by the reader threads (a producer
 * without keys may spread copies over partitions): about 100 bytes per record of the window.
 *
 * <p><b>Retention.</b> When a partition's log start offset is above 0 (retention deleted records)
 * and its earliest retained record is later than the window's start, only the window's tail can
 * be read: {@link CaptureVisitor#incomplete} gets the share of the window's time span after the
 * latest such record, and the monitor reports {@code incomplete_window}.
 */
public final class KafkaWindowSource implements WindowSource {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final java.util.concurrent.atomic.AtomicLong CLIENTS = new java.util.concurrent.atomic.AtomicLong();

  private final Properties consumerProperties;
  private final String topic;
  private final String variant;
  private final Duration grace;
  private final Duration timeout;
  private final int parallelism;
  private final CaptureLineReader lines = new CaptureLineReader();

  /**
   * @param consumerProperties at least {@code bootstrap.servers}; security settings pass through
   * @param variant records whose {@code vigil.variant} differs are skipped (null: keep all)
   * @param grace produce-time slack around the window
   * @param timeout give up when the end offsets are not reached within this time
   * @param parallelism reader threads (one consumer each, partitions split between them), at least 1
   */
  public KafkaWindowSource(
      Properties consumerProperties, String topic, String variant, Duration grace, Duration timeout, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    this.parallelism = parallelism;
    this.consumerProperties = new Properties();
    this.consumerProperties.putAll(consumerProperties);
    this.consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    this.topic = topic;
    this.variant = variant;
    this.grace = grace;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public <V extends CaptureVisitor> List<V> read(Window window, Supplier<V> newVisitor) throws WindowReadException {
    Map<TopicPartition, long[]> ranges = new HashMap<>(); // partition -> {start, end)
    Instant retained;
    try (KafkaConsumer<byte[], byte[]> planner = consumer()) {
      List<PartitionInfo> infos = planner.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return List.of(newVisitor.get()); // no topic yet: nothing was captured
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : infos) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      retained = earliestRetained(planner, partitions);
      Map<TopicPartition, Long> startOffsets = KafkaOffsets.at(planner, partitions, window.start().minus(grace), timeout);
      Map<TopicPartition, Long> endOffsets = KafkaOffsets.at(planner, partitions, window.end().plus(grace), timeout);
      for (TopicPartition tp : partitions) {
        long s = startOffsets.get(tp);
        long e = endOffsets.get(tp);
        if (s < e) {
          ranges.put(tp, new long[] {s, e});
        }
      }
    } catch (KafkaException e) {
      throw new WindowReadException(
          "cannot read topic " + topic + ": " + e.getMessage() + " (check sinks.kafka.bootstrapServers)", e);
    }
    // Partitions are split round-robin over the reader threads, one consumer each.
    int threads = Math.max(1, Math.min(parallelism, ranges.size()));
    List<Map<TopicPartition, long[]>> groups = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      groups.add(new HashMap<>());
    }
    int i = 0;
    for (Map.Entry<TopicPartition, long[]> e : ranges.entrySet()) {
      groups.get(i++ % threads).put(e.getKey(), e.getValue());
    }
    List<V> visitors = new ArrayList<>();
    for (int g = 0; g < threads; g++) {
      visitors.add(newVisitor.get());
    }
    if (retained != null && retained.isAfter(window.start())) {
      double span = window.end().toEpochMilli() - window.start().toEpochMilli();
      double share = Math.max(0, Math.min(1, (window.end().toEpochMilli() - retained.toEpochMilli()) / span));
      visitors.get(0).incomplete(share, retained);
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    if (threads == 1) {
      consume(groups.get(0), window, visitors.get(0), seen);
      return visitors;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vigil-kafka-reader-" + topic);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int g = 0; g < threads; g++) {
        Map<TopicPartition, long[]> group = groups.get(g);
        V v = visitors.get(g);
        futures.add(pool.submit(() -> {
          consume(group, window, v, seen);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WindowReadException("interrupted while reading window " + window + " from " + topic, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WindowReadException w) {
        throw w;
      }
      throw new WindowReadException("reading window " + window + " from " + topic + " failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return visitors;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.putAll(consumerProperties);
    // Unique per consumer: several read one window at once and client ids name their metrics.
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-monitor-" + topic + "-" + CLIENTS.incrementAndGet());
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads each partition of {@code ranges} from its start offset up to (excluding) its end offset. */
  private void consume(Map<TopicPartition, long[]> ranges, Window window, CaptureVisitor v, Set<String> seen)
      throws WindowReadException {
    if (ranges.isEmpty()) {
      return;
    }
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(ranges.keySet());
      Map<TopicPartition, Long> remaining = new HashMap<>();
      ranges.forEach((tp, r) -> {
        consumer.seek(tp, r[0]);
        remaining.put(tp, r[1]);
      });
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!remaining.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new WindowReadException(
              "topic " + topic + ": end offsets " + remaining + " not reached within " + timeout
                  + " (is the broker healthy?)", null);
        }
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        for (TopicPartition tp : batch.partitions()) {
          Long end = remaining.get(tp);
          if (end == null) {
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= end) {
              break;
            }
            visit(r, window, v, seen);
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
      throw new WindowReadException(
          "cannot read topic " + topic + ": " + e.getMessage() + " (check sinks.kafka.bootstrapServers)", e);
    }
  }

  private void visit(ConsumerRecord<byte[], byte[]> r, Window window, CaptureVisitor v, Set<String> seen) {
    CaptureLocation loc = CaptureLocation.kafka(r.topic(), r.partition(), r.offset());
    byte[] value = r.value();
    CaptureRecord rec;
    try {
      if (value == null) {
        throw new MalformedCaptureException(MalformedCaptureException.Reason.EMPTY_LINE, null, "null Kafka value");
      }
      rec = lines.read(value, 0, value.length);
    } catch (MalformedCaptureException e) {
      if (window.contains(Instant.ofEpochMilli(r.timestamp()))) {
        v.malformed(UnusableReason.of(e), e.getMessage(), loc);
      }
      return;
    }
    if (variant != null && rec.vigil() != null && rec.vigil().variant() != null
        && !variant.equals(rec.vigil().variant())) {
      return;
    }
    if (window.contains(rec.inferenceTime())) {
      if (rec.eventId() != null && !seen.add(rec.eventId())) {
        v.duplicate(loc);
        return;
      }
      v.record(rec, loc);
    }
  }

  /**
   * The latest "earliest retained record" time among partitions whose start was deleted by
   * retention (log start offset above 0), or null when no partition lost records.
   */
  private Instant earliestRetained(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : partitions) {
      if (beginnings.getOrDefault(tp, 0L) > 0) {
        query.put(tp, 0L);
      }
    }
    if (query.isEmpty()) {
      return null;
    }
    Instant latest = null;
    for (OffsetAndTimestamp o : consumer.offsetsForTimes(query, timeout).values()) {
      if (o != null && (latest == null || o.timestamp() > latest.toEpochMilli())) {
        latest = Instant.ofEpochMilli(o.timestamp());
      }
    }
    return latest;
  }
}
