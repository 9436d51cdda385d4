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

  /**
   * Whether this window's report was published whole before (by any replica); false when reports
   * are not written to S3.
   *
   * @throws RuntimeException when S3 cannot answer
   */
  public boolean reported(Window window) {
    return publisher != null && publisher.published(endpoint, window.start(), window.end());
  }

  /** Reads and judges a window without publishing anything (also the first step of {@link #run}). */
  public MonitorReport analyze(Window window) throws WindowReadException {
    return analyze(window, null);
  }

  /** As {@link #analyze(Window)}, counting records read into {@code progressOrNull} as they stream by. */
  public MonitorReport analyze(Window window, LongAdder progressOrNull) throws WindowReadException {
    OutputParser parser = new OutputParser(output);
    List<WindowScan> scans = source.read(window,
        () -> new WindowScan(parser, constraints.lowConfidenceThreshold(), flaggedPerViolation, progressOrNull));
    WindowScan all = scans.get(0);
    for (int i = 1; i < scans.size(); i++) {
      all.merge(scans.get(i));
    }
    MonitorReport report = ReportBuilder.build(endpoint, variant, window.start(), window.end(), clock.instant(),
        source.name(), output.format().configName(), output.labels(), all.statistics(), all.flags(),
        baseline == null ? null : baseline.statistics(), constraints);
    if (all.duplicates() > 0) {
      log.info("endpoint {} window {}: skipped {} re-sent record(s) (eventId already read)", endpoint, window,
          all.duplicates());
    }
    if (all.shareRead() < 1.0) {
      log.warn("endpoint {} window {} starts before the earliest retained record ({}): {}% of it could be read",
          endpoint, window, all.earliestRetained(), Math.round(all.shareRead() * 100));
      report = ReportBuilder.incomplete(report, all.shareRead(), all.earliestRetained());
    }
    return report;
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
    return run(window, progressOrNull, false);
  }

  /**
   * As {@link #run(Window, LongAdder)}; {@code backfill} marks a window missed during downtime
   * and checked late (it says so in report.json, report.html and the alert).
   */
  public MonitorReport run(Window window, LongAdder progressOrNull, boolean backfill)
      throws WindowReadException, PublishException {
    long t0 = System.nanoTime();
    MonitorReport report;
    try {
      report = analyze(window, progressOrNull).withBackfill(backfill);
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
    log.info("endpoint {} window {}{}: {} predictions, {} violations {} in {} ms", endpoint, window,
        backfill ? " (backfill)" : "", report.statistics().count(), report.violations().size(),
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
