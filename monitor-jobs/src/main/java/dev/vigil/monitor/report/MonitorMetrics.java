package dev.vigil.monitor.report;

import dev.vigil.monitor.check.ViolationType;
import dev.vigil.monitor.stats.ClassStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer gauges of the latest report per endpoint and class. Tags are low-cardinality
 * ({@code endpoint}, {@code class} from the labels, {@code type}); never an event id.
 *
 * <ul>
 *   <li>{@code vigil.monitor.class.share{endpoint,class}} top-1 share in the latest window
 *   <li>{@code vigil.monitor.class.confidence{endpoint,class}} mean top-1 confidence of the class (NaN without)
 *   <li>{@code vigil.monitor.confidence.mean{endpoint}}, {@code vigil.monitor.confidence.low.share{endpoint}}
 *   <li>{@code vigil.monitor.window.predictions{endpoint}}, {@code vigil.monitor.window.completeness{endpoint}}
 *   <li>{@code vigil.monitor.violations{endpoint,type}} violations of each type in the latest window
 *   <li>{@code vigil.monitor.accuracy{endpoint}}, {@code vigil.monitor.accuracy.estimated{endpoint}},
 *       {@code vigil.monitor.labels.coverage{endpoint}} ground truth of the latest window (NaN without)
 *   <li>{@code vigil.monitor.labels.unused{endpoint,reason}} labels of the latest window not used, by reason
 *       ({@code malformed_line}, {@code unknown_label}, {@code duplicate}, {@code unmatched_id}, {@code batched_record})
 *   <li>{@code vigil.monitor.runs{endpoint,outcome}} counter of runs (ok | failed)
 *   <li>{@code vigil.monitor.listener.failures{listener}} counter
 * </ul>
 */
public final class MonitorMetrics {
  private final MeterRegistry registry;
  private final Map<String, Value> values = new ConcurrentHashMap<>();

  public MonitorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Sets every gauge from a finished report. */
  public void update(MonitorReport report) {
    String e = report.endpoint();
    for (ClassStatistics c : report.statistics().classes()) {
      set("vigil.monitor.class.share", Tags.of("endpoint", e, "class", c.label()), c.share());
      set("vigil.monitor.class.confidence", Tags.of("endpoint", e, "class", c.label()),
          c.meanConfidence() == null ? Double.NaN : c.meanConfidence());
    }
    Double mean = report.statistics().confidence().mean();
    Double low = report.statistics().confidence().shareTop1Below();
    set("vigil.monitor.confidence.mean", Tags.of("endpoint", e), mean == null ? Double.NaN : mean);
    set("vigil.monitor.confidence.low.share", Tags.of("endpoint", e), low == null ? Double.NaN : low);
    set("vigil.monitor.window.predictions", Tags.of("endpoint", e), report.statistics().count());
    set("vigil.monitor.window.completeness", Tags.of("endpoint", e), report.completeness());
    var g = report.statistics().groundTruth();
    if (g != null) {
      set("vigil.monitor.accuracy", Tags.of("endpoint", e), g.accuracy() == null ? Double.NaN : g.accuracy());
      set("vigil.monitor.accuracy.estimated", Tags.of("endpoint", e),
          g.estimatedAccuracy() == null ? Double.NaN : g.estimatedAccuracy());
      set("vigil.monitor.labels.coverage", Tags.of("endpoint", e), g.coverage());
      g.problems().forEach((reason, n) ->
          set("vigil.monitor.labels.unused", Tags.of("endpoint", e, "reason", reason), n));
    }
    for (ViolationType t : ViolationType.values()) {
      long n = report.violations().stream().filter(v -> v.type() == t).count();
      set("vigil.monitor.violations", Tags.of("endpoint", e, "type", t.code()), n);
    }
  }

  /** Counts a run. */
  public void run(String endpoint, boolean ok) {
    Counter.builder("vigil.monitor.runs").tags("endpoint", endpoint, "outcome", ok ? "ok" : "failed")
        .register(registry).increment();
  }

  /** Counts a listener that threw. */
  public void listenerFailed(String listener) {
    Counter.builder("vigil.monitor.listener.failures").tag("listener", listener).register(registry).increment();
  }

  private void set(String name, Tags tags, double v) {
    String key = name + tags;
    values.computeIfAbsent(key, k -> {
      Value holder = new Value();
      Gauge.builder(name, holder, h -> h.v).tags(tags).register(registry);
      return holder;
    }).v = v;
  }

  private static final class Value {
    volatile double v = Double.NaN;
  }
}
