package dev.vigil.capture.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.sink.SinkChannel;
import dev.vigil.capture.sink.SinkWorker;
import dev.vigil.capture.spool.SegmentSpool;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink's batching against a real broker (EmbeddedStack): a pause in the input does not
 * ship a batch, its age ({@code linger.ms}) or size does, so records share produce requests; and
 * every record still arrives, once.
 */
class KafkaSinkBatchingTest {
  static EmbeddedStack stack;
  @TempDir static Path tmp;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().dataDir(tmp.resolve("stack")).kafka(true).s3(false).smtp(false).postgres(false).build().start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private KafkaSink sink(Map<String, String> passThrough) {
    return new KafkaSink(stack.kafkaBootstrapServers(), "zstd", passThrough,
        new KafkaSink.TopicNamer("vigil.capture.{endpoint}", Map.of()), metrics);
  }

  private static CaptureEntry entry(String endpoint, int i) {
    String id = UUID.randomUUID().toString();
    return new CaptureEntry(endpoint, "v1", id, System.currentTimeMillis(),
        ("{\"eventId\":\"" + id + "\",\"n\":" + i + ",\"pad\":\"" + "x".repeat(500) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private double produceRequests() {
    return registry.get("vigil.agent.kafka.produce.requests").functionCounter().count();
  }

  private double producedRecords() {
    return registry.get("vigil.agent.kafka.produce.records").functionCounter().count();
  }

  @Test
  void aPendingBatchIsDueByAgeOrSizeNotBecauseTheInputPaused() {
    KafkaSink sink = sink(Map.of());
    try {
      long before = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        sink.add(entry("age", i));
      }
      // Input idle and the batch younger than linger.ms: it waits for more records.
      assertThat(sink.due(before, true)).isFalse();
      assertThat(sink.nanosUntilDue(before)).isPositive();
      long lingered = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KafkaSink.DEFAULT_LINGER_MS);
      assertThat(sink.due(lingered, false)).isTrue();
      assertThat(sink.nanosUntilDue(lingered)).isZero();
      for (int i = 10; i < KafkaSink.BATCH_RECORDS; i++) {
        sink.add(entry("age", i));
      }
      assertThat(sink.due(before, false)).as("a full batch is due at once").isTrue();
    } finally {
      sink.close();
    }
  }

  @Test
  void recordsSubmittedOneByOneShareProduceRequestsAndAllArrive() throws Exception {
    String endpoint = "batching-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaSink sink = sink(Map.of());
    SinkChannel channel = new SinkChannel("kafka", 16L << 20, new SegmentSpool(tmp.resolve(endpoint), 64L << 20, 8L << 20), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    List<String> ids = new ArrayList<>();
    int n = 400;
    try {
      for (int i = 0; i < n; i++) {
        CaptureEntry e = entry(endpoint, i);
        ids.add(e.eventId());
        channel.submit(e);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> metrics.shippedCount("kafka") == n);
      // Every record in its own produce request before (shipped whenever the input paused); now a
      // batch per linger.ms. Metadata and producer-id requests count too, hence the slack.
      assertThat(producedRecords()).isEqualTo(n);
      assertThat(produceRequests()).isLessThan(n / 10.0);
    } finally {
      worker.shutdown(Duration.ofSeconds(5));
    }
    assertThat(keys("vigil.capture." + endpoint, n)).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void aPassedThroughLingerMsSetsTheBatchAgeAndABadOneIsNamed() {
    KafkaSink sink = sink(Map.of("linger.ms", "0"));
    try {
      sink.add(entry("zero", 0));
      long now = System.nanoTime();
      assertThat(sink.due(now, false)).isTrue();
      assertThat(sink.nanosUntilDue(now)).isZero();
    } finally {
      sink.close();
    }
    assertThatThrownBy(() -> sink(Map.of("linger.ms", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("linger.ms")
        .hasMessageContaining("soon");
  }

  private List<String> keys(String topic, int atLeast) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.size() < atLeast && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(r.key());
        }
      }
      for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) { // nothing more: no duplicates
        out.add(r.key());
      }
    }
    return out;
  }
}
