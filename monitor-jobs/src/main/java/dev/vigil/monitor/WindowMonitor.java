package dev.vigil.monitor;

import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.output.OutputParser;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.PublishException;
import dev.vigil.monitor.report.ReportBuilder;
import dev.vigil.monitor.report.ReportListener;
import dev.vigil.monitor.report.ReportPublisher;
import dev.vigil.monitor.signals.ModelSignals;
import dev.vigil.monitor.window.Window;
import dev.vigil.monitor.window.WindowReadException;
import dev.vigil.monitor.window.WindowSource;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitors one endpoint, one window at a time: read the window (streaming), build the report (a
 * pure function of the scan, the baseline and the constraints), publish it, update the gauges,
 * and hand it to the listeners. Quartz jobs and {@code vigil monitor run-once} both call {@link
 * #run}. Safe to call from one thread at a time per endpoint (the Quartz job disallows
 * concurrent execution).
 */
public final class WindowMonitor {
  private static final Logger log = LoggerFactory.getLogger(WindowMonitor.class);
  /** Reports kept for the share-history chart. */
  static final int HISTORY = 24;

  private final String endpoint;
  private final String variant;
  private final OutputSpec output;
  private final WindowSource source;
  private final Constraints constraints;
  private final Baseline baseline;
  private final int flaggedPerViolation;
  private final ReportPublisher publisher;
  private final MonitorMetrics metrics;
  private final List<ReportListener> listeners;
  private final Clock clock;
  private final ModelSignals signals; // null: no model-side signals
  private final Deque<MonitorReport> history = new ArrayDeque<>(); // guarded by this

  /**
   * @param baselineOrNull the endpoint's baseline; its constraints replace {@code constraints}
   * @param publisherOrNull null: reports are not written anywhere (baseline runs, tests)
   * @param metricsOrNull null: no gauges
   */
  public WindowMonitor(
      String endpoint, String variant, OutputSpec output, WindowSource source, Constraints constraints,
      Baseline baselineOrNull, int flaggedPerViolation, ReportPublisher publisherOrNull,
      MonitorMetrics metricsOrNull, List<ReportListener> listeners, Clock clock) {
    this(endpoint, variant, output, source, constraints, baselineOrNull, flaggedPerViolation, publisherOrNull,
        metricsOrNull, listeners, clock, null);
  }

  /**
   * As the plain monitor, with model-side signals.
   *
   * @param signalsOrNull input drift and adversarial screening through the model, or null
   */
  public WindowMonitor(
      String endpoint, String variant, OutputSpec output, WindowSource source, Constraints constraints,
      Baseline baselineOrNull, int flaggedPerViolation, ReportPublisher publisherOrNull,
      MonitorMetrics metricsOrNull, List<ReportListener> listeners, Clock clock, ModelSignals signalsOrNull) {
    this.signals = signalsOrNull;
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.variant = variant;
    this.output = Objects.requireNonNull(output, "output");
    this.source = Objects.requireNonNull(source, "source");
    this.constraints = baselineOrNull != null ? baselineOrNull.constraints() : Objects.requireNonNull(constraints);
    this.baseline = baselineOrNull;
    this.flaggedPerViolation = flaggedPerViolation;
    this.publisher = publisherOrNull;
    this.metrics = metricsOrNull;
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
  }

  public String endpoint() {
    return endpoint;
  }

  /** Reads and judges a window without publishing anything (also the first step of {@link #run}). */
  public MonitorReport analyze(Window window) throws WindowReadException {
    return analyze(window, null);
  }

  /** As {@link #analyze(Window)}, counting records read into {@code progressOrNull} as they stream by. */
  public MonitorReport analyze(Window window, LongAdder progressOrNull) throws WindowReadException {
    WindowScan all = scan(window, progressOrNull);
    MonitorReport report = ReportBuilder.build(endpoint, variant, window.start(), window.end(), clock.instant(),
        source.name(), output.format().configName(), output.labels(), all.statistics(), all.flags(),
        baseline == null ? null : baseline.statistics(), constraints);
    return signals == null ? report : signals.apply(report, all.sampledInputs());
  }

  /**
   * Reads a window as a baseline: its statistics, {@code constraints}, and with model-side signals
   * the embeddings of a sample of its inputs and the calibrated screening threshold.
   */
  public Baseline baseline(Window window, LongAdder progressOrNull, Constraints limits) throws WindowReadException {
    WindowScan all = scan(window, progressOrNull);
    MonitorReport report = ReportBuilder.build(endpoint, variant, window.start(), window.end(), clock.instant(),
        source.name(), output.format().configName(), output.labels(), all.statistics(), all.flags(), null, limits);
    return new Baseline(report.statistics(), limits,
        signals == null ? null : signals.baseline(all.sampledInputs()));
  }

  private WindowScan scan(Window window, LongAdder progressOrNull) throws WindowReadException {
    OutputParser parser = new OutputParser(output);
    List<WindowScan> scans = source.read(window,
        () -> new WindowScan(parser, constraints.lowConfidenceThreshold(), flaggedPerViolation, progressOrNull,
            signals == null ? null : signals.sampler()));
    WindowScan all = scans.get(0);
    for (int i = 1; i < scans.size(); i++) {
      all.merge(scans.get(i));
    }
    return all;
  }

  /**
   * Runs one window: analyse, publish, update gauges, notify listeners.
   *
   * @throws WindowReadException when the captures cannot be read
   * @throws PublishException when the report cannot be written; listeners are not called then
   */
  public MonitorReport run(Window window) throws WindowReadException, PublishException {
    return run(window, null);
  }

  /** As {@link #run(Window)}, counting records read into {@code progressOrNull}. */
  public MonitorReport run(Window window, LongAdder progressOrNull) throws WindowReadException, PublishException {
    long t0 = System.nanoTime();
    MonitorReport report;
    try {
      report = analyze(window, progressOrNull);
      List<MonitorReport> recent;
      synchronized (this) {
        history.removeIf(r -> r.windowStart().equals(window.start()) && r.windowEnd().equals(window.end()));
        history.addLast(report);
        while (history.size() > HISTORY) {
          history.removeFirst();
        }
        recent = new ArrayList<>(history);
      }
      if (publisher != null) {
        publisher.publish(report, recent);
      }
    } catch (WindowReadException | PublishException | RuntimeException e) {
      if (metrics != null) {
        metrics.run(endpoint, false);
      }
      throw e;
    }
    if (metrics != null) {
      metrics.update(report);
      metrics.run(endpoint, true);
    }
    log.info("endpoint {} window {}: {} predictions, {} violations {} in {} ms", endpoint, window,
        report.statistics().count(), report.violations().size(),
        report.violations().stream().map(v -> v.type().code()).toList(), (System.nanoTime() - t0) / 1_000_000);
    for (ReportListener l : listeners) {
      try {
        l.onReport(report);
      } catch (RuntimeException e) {
        log.warn("report listener {} failed on endpoint {} window {}: {}", l.getClass().getName(), endpoint, window, e.toString(), e);
        if (metrics != null) {
          metrics.listenerFailed(l.getClass().getSimpleName());
        }
      }
    }
    return report;
  }
}
