package dev.vigil.capture.sink.kafka;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.sink.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships capture records to Kafka: one topic per endpoint, key = eventId, value = the JSON line.
 *
 * <p>The producer is idempotent (acks=all), compresses (zstd or lz4), and is given the user's
 * pass-through properties last except for the settings this sink's correctness relies on
 * (serializers, idempotence). {@link #ship} sends the pending batch and waits for every ack with
 * {@code flush()}; failed records stay pending and are re-sent on the next attempt. A record the
 * broker can never accept ({@link RecordTooLargeException}) is dropped and counted, never retried
 * forever.
 *
 * <h2>Batching</h2>
 * A batch is shipped when it holds {@link #BATCH_RECORDS} records or {@link #BATCH_BYTES}, or when
 * its first record is {@code linger.ms} old (default {@link #DEFAULT_LINGER_MS}, a pass-through
 * {@code linger.ms} overrides it), never merely because the input paused: {@code flush()} sends
 * whatever is pending at once, so shipping on every pause made a produce request (a compression
 * context, a broker round trip) of every few records. Capture records wait at most that long.
 */
public final class KafkaSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
  /** Ship when this many records are pending... */
  static final int BATCH_RECORDS = 512;
  /** ...or this many bytes. */
  static final long BATCH_BYTES = 1L << 20;
  /** Producer buffer: part of the agent's heap budget. */
  static final long PRODUCER_BUFFER_BYTES = 16L << 20;
  /** ...or when the first pending record is this old (the producer's linger.ms unless passed through). */
  static final int DEFAULT_LINGER_MS = 100;

  private final KafkaProducer<byte[], byte[]> producer;
  private final TopicNamer topics;
  private final AgentMetrics metrics;
  private final long lingerNanos;

  // confined to the sink worker thread
  private final List<CaptureEntry> pending = new ArrayList<>();
  private long pendingBytes;
  private long firstAddNanos;

  /** How an endpoint name becomes a topic: per-endpoint override, else the template. */
  public record TopicNamer(String template, Map<String, String> overrides) {
    public TopicNamer {
      overrides = Map.copyOf(overrides);
    }

    public String topicFor(String endpoint) {
      String t = overrides.get(endpoint);
      return t != null ? t : template.replace("{endpoint}", endpoint);
    }
  }

  /**
   * @param bootstrapServers host:port list
   * @param compression zstd, lz4 or none
   * @param passThrough extra producer properties (SASL/TLS...), applied over the defaults
   */
  public KafkaSink(
      String bootstrapServers,
      String compression,
      Map<String, String> passThrough,
      TopicNamer topics,
      AgentMetrics metrics) {
    this.topics = topics;
    this.metrics = metrics;
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
    // A 10 MB body is ~14 MB of base64 JSON; the broker's own limit still applies.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-agent");
    props.putAll(passThrough);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis(props.get(ProducerConfig.LINGER_MS_CONFIG)));
    this.producer = new KafkaProducer<>(props);
    lowerSenderPriority(String.valueOf(props.get(ProducerConfig.CLIENT_ID_CONFIG)));
    // How well records batch: produce requests against records sent (a ratio near 1 means one
    // request per record, each a broker round trip).
    metrics.functionCounter("vigil.agent.kafka.produce.requests", "sink", name(), null, this, s -> s.producerMetric("request-total"));
    metrics.functionCounter("vigil.agent.kafka.produce.records", "sink", name(), null, this, s -> s.producerMetric("record-send-total"));
  }

  private static long lingerMillis(Object v) {
    try {
      return Math.max(0, Long.parseLong(String.valueOf(v).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sinks.kafka.producer linger.ms must be a whole number of milliseconds, was '" + v + "'");
    }
  }

  /**
   * The producer's I/O thread is capture work too: like the dispatcher and the sink threads it
   * yields the CPU to the proxy's event loops (effective with -XX:ThreadPriorityPolicy=1).
   */
  private static void lowerSenderPriority(String clientId) {
    String name = "kafka-producer-network-thread | " + clientId;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        t.setPriority(Thread.MIN_PRIORITY);
      }
    }
  }

  /** A producer-level metric of the Kafka client ({@code producer-metrics} group), NaN if absent. */
  private double producerMetric(String metric) {
    for (var e : producer.metrics().entrySet()) {
      if (e.getKey().name().equals(metric) && e.getKey().group().equals("producer-metrics")
          && e.getValue().metricValue() instanceof Number n) {
        return n.doubleValue();
      }
    }
    return Double.NaN;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public void add(CaptureEntry entry) {
    if (pending.isEmpty()) {
      firstAddNanos = System.nanoTime();
    }
    pending.add(entry);
    pendingBytes += entry.line().length;
  }

  @Override
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public boolean due(long nowNanos, boolean inputIdle) {
    return pending.size() >= BATCH_RECORDS || pendingBytes >= BATCH_BYTES || nowNanos - firstAddNanos >= lingerNanos;
  }

  @Override
  public long nanosUntilDue(long nowNanos) {
    return Math.max(0, firstAddNanos + lingerNanos - nowNanos);
  }

  @Override
  public long bytesUntilDue() {
    return Math.max(1, BATCH_BYTES - pendingBytes);
  }

  @Override
  public void ship(long nowNanos) throws Exception {
    int n = pending.size();
    AtomicReferenceArray<Exception> results = new AtomicReferenceArray<>(n);
    Exception sendFailure = null;
    int sent = 0;
    for (; sent < n; sent++) {
      CaptureEntry e = pending.get(sent);
      int i = sent;
      try {
        producer.send(
            new ProducerRecord<>(
                topics.topicFor(e.endpoint()), e.eventId().getBytes(StandardCharsets.UTF_8), e.line()),
            (meta, ex) -> results.set(i, ex));
      } catch (RuntimeException ex) { // metadata timeout, buffer exhausted, closed producer
        sendFailure = ex;
        break;
      }
    }
    producer.flush();
    List<CaptureEntry> retry = new ArrayList<>();
    Exception firstError = sendFailure;
    for (int i = 0; i < n; i++) {
      Exception ex = i < sent ? results.get(i) : sendFailure;
      if (ex == null) {
        continue;
      }
      if (ex instanceof RecordTooLargeException) {
        metrics.dropped(name(), "too_large");
        log.warn(
            "capture {} of endpoint {} ({} bytes) is larger than the Kafka broker accepts; dropped for Kafka "
                + "(raise the topic's max.message.bytes or lower capture.maxBodyBytes)",
            pending.get(i).eventId(), pending.get(i).endpoint(), pending.get(i).line().length);
        continue;
      }
      if (firstError == null) {
        firstError = ex;
      }
      retry.add(pending.get(i));
    }
    pending.clear();
    pendingBytes = 0;
    if (!retry.isEmpty()) {
      retry.forEach(this::add);
      throw firstError;
    }
  }

  @Override
  public List<CaptureEntry> pending() {
    return List.copyOf(pending);
  }

  @Override
  public void clearPending() {
    pending.clear();
    pendingBytes = 0;
  }

  @Override
  public void abort() {
    // Fails in-flight sends so a flush() blocked on a dead broker returns.
    producer.close(Duration.ZERO);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
