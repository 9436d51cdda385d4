package dev.vigil.capture.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The agent's meters. Names are dot.case with base units; tags are low-cardinality (endpoint,
 * status, sink, reason), never a request id. Meters are cached so the hot path does a map lookup,
 * not a registry registration.
 */
public final class AgentMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  // endpoint -> status -> counter: the per-request lookups allocate nothing
  private final Map<String, Map<Integer, Counter>> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, Counter> sampled = new ConcurrentHashMap<>();

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Requests answered to clients, by endpoint (or "none" when unrouted) and HTTP status. */
  public void request(String endpoint, int status) {
    requests
        .computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, st -> Counter.builder("vigil.agent.requests")
            .tag("endpoint", endpoint).tag("status", Integer.toString(st)).register(registry))
        .increment();
  }

  /** Time from request start to the last response byte from upstream. */
  public void upstreamLatency(String endpoint, long nanos) {
    latency
        .computeIfAbsent(
            endpoint,
            k ->
                Timer.builder("vigil.agent.upstream.latency")
                    .description("time from the first request byte to the last upstream response byte")
                    .tag("endpoint", endpoint)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Upstream failures by kind: unavailable (502), timeout (504), reset (closed mid-response). */
  public void upstreamError(String endpoint, String kind) {
    counter("vigil.agent.upstream.errors", "endpoint", endpoint, "kind", kind).increment();
  }

  /** Called per sampled request on the event loop: a lookup by endpoint, no key string built. */
  public void sampled(String endpoint) {
    sampled.computeIfAbsent(endpoint, e -> counter("vigil.agent.capture.sampled", "endpoint", e, null, null)).increment();
  }

  /** A sampled record lost: reason buffer_full, spool_full, redaction, encode_error... */
  public void dropped(String sink, String reason) {
    counter("vigil.agent.capture.dropped", "sink", sink, "reason", reason).increment();
  }

  public double droppedCount(String sink, String reason) {
    return counter("vigil.agent.capture.dropped", "sink", sink, "reason", reason).count();
  }

  /** Records acknowledged by a sink (Kafka acked / S3 object written). */
  public void shipped(String sink, int n) {
    counter("vigil.agent.capture.shipped", "sink", sink, null, null).increment(n);
  }

  public double shippedCount(String sink) {
    return counter("vigil.agent.capture.shipped", "sink", sink, null, null).count();
  }

  public void spooled(String sink, int n) {
    counter("vigil.agent.capture.spooled", "sink", sink, null, null).increment(n);
  }

  public double spooledCount(String sink) {
    return counter("vigil.agent.capture.spooled", "sink", sink, null, null).count();
  }

  public void sinkError(String sink) {
    counter("vigil.agent.sink.errors", "sink", sink, null, null).increment();
  }

  public void sinkLatency(String sink, long nanos) {
    timers
        .computeIfAbsent(
            "sink|" + sink,
            k ->
                Timer.builder("vigil.agent.sink.latency")
                    .description("time for one sink batch to be acknowledged")
                    .tag("sink", sink)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers a gauge once (bytes held by a sink's spool, a buffer's bytes...). */
  public void gauge(String name, String tagKey, String tagValue, String unit, Supplier<Number> value) {
    Gauge.builder(name, value).tag(tagKey, tagValue).baseUnit(unit).register(registry);
  }

  /**
   * Registers a counter read from {@code source} (a client library's own running total, the
   * spool's corrupt frames). The registry holds {@code source} weakly: it must be an object that
   * lives as long as the meter. {@code unit} may be null.
   */
  public <T> void functionCounter(
      String name, String tagKey, String tagValue, String unit, T source, ToDoubleFunction<T> total) {
    FunctionCounter.builder(name, source, total).tag(tagKey, tagValue).baseUnit(unit).register(registry);
  }

  private Counter counter(String name, String k1, String v1, String k2, String v2) {
    String key = name + '|' + v1 + '|' + v2;
    return counters.computeIfAbsent(
        key,
        k -> {
          Counter.Builder b = Counter.builder(name).tag(k1, v1);
          if (k2 != null) {
            b.tag(k2, v2);
          }
          return b.register(registry);
        });
  }
}
