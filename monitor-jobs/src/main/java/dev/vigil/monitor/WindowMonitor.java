package dev.vigil.monitor;

import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.quality.Calibration;
import dev.vigil.monitor.quality.QualityAccumulator;
import dev.vigil.monitor.truth.GroundTruth;
import dev.vigil.monitor.truth.LabelSource;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
  private final LabelSource labelSource; // null: no ground truth configured
  private final Duration labelDelay;
  /** Ids and label fingerprint of each window run within the label delay, for {@link #recheckLabels}. */
  private final Map<Window, WindowIds> labelled = new ConcurrentHashMap<>();

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
        metricsOrNull, listeners, clock, null, Duration.ZERO, null);
  }

  /**
   * As the plain monitor, joining each window's predictions to ground-truth labels and with
   * model-side signals.
   *
   * @param labelSourceOrNull where labels are read; null: none (an estimate is still made when the
   *     baseline carries a calibration)
   * @param labelDelay labels written up to this long after a window's end count for it; the window
   *     is re-evaluated by {@link #recheckLabels} while labels may still arrive
   * @param signalsOrNull input drift and adversarial screening through the model, or null
   */
  public WindowMonitor(
      String endpoint, String variant, OutputSpec output, WindowSource source, Constraints constraints,
      Baseline baselineOrNull, int flaggedPerViolation, ReportPublisher publisherOrNull,
      MonitorMetrics metricsOrNull, List<ReportListener> listeners, Clock clock, LabelSource labelSourceOrNull,
      Duration labelDelay, ModelSignals signalsOrNull) {
    this.labelSource = labelSourceOrNull;
    this.labelDelay = labelDelay == null ? Duration.ZERO : labelDelay;
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
    Instant now = clock.instant();
    GroundTruth truth = labelsOf(window, now);
    WindowScan all = scan(window, progressOrNull, truth);
    QualityAccumulator quality = all.quality();
    if (labelSource != null && !window.end().plus(labelDelay).isBefore(now)) {
      long[] ids = quality.idHashes();
      labelled.put(window, new WindowIds(ids, truth.fingerprintOf(ids)));
    }
    MonitorReport report = ReportBuilder.build(endpoint, variant, window.start(), window.end(), now, source.name(),
        output.format().configName(), output.labels(), all.statistics(), quality, all.flags(),
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
    return signals == null ? report : signals.apply(report, all.sampledInputs());
  }

  /**
   * Reads a window as a baseline: its statistics (with its labels' accuracy and calibration when
   * ground truth is configured), {@code constraints}, and with model-side signals the embeddings
   * of a sample of its inputs and the calibrated screening threshold.
   */
  public Baseline baseline(Window window, LongAdder progressOrNull, Constraints limits) throws WindowReadException {
    Instant now = clock.instant();
    WindowScan all = scan(window, progressOrNull, labelsOf(window, now));
    MonitorReport report = ReportBuilder.build(endpoint, variant, window.start(), window.end(), now,
        source.name(), output.format().configName(), output.labels(), all.statistics(), all.quality(), all.flags(),
        null, limits);
    return new Baseline(report.statistics(), limits,
        signals == null ? null : signals.baseline(all.sampledInputs()));
  }

  private WindowScan scan(Window window, LongAdder progressOrNull, GroundTruth truth) throws WindowReadException {
    Calibration calibration = baseline == null || baseline.statistics().groundTruth() == null ? null
        : baseline.statistics().groundTruth().calibration();
    String labelsFrom = labelSource == null ? "none" : labelSource.name();
    boolean collectIds = labelSource != null;
    OutputParser parser = new OutputParser(output);
    List<WindowScan> scans = source.read(window,
        () -> new WindowScan(parser, constraints.lowConfidenceThreshold(), flaggedPerViolation, progressOrNull,
            new QualityAccumulator(truth, calibration, labelsFrom, collectIds),
            signals == null ? null : signals.sampler()));
    WindowScan all = scans.get(0);
    for (int i = 1; i < scans.size(); i++) {
      all.merge(scans.get(i));
    }
    return all;
  }

  /** The labels written for a window: {@code [start, min(end + delay, now))}. */
  private GroundTruth labelsOf(Window window, Instant now) throws WindowReadException {
    if (labelSource == null) {
      return GroundTruth.none();
    }
    Instant to = window.end().plus(labelDelay);
    return labelSource.read(window.start(), to.isAfter(now) ? now : to, output.labels());
  }

  /**
   * Late labels: re-runs (and so re-publishes, replacing its report) every window this monitor
   * ran whose labels changed since, while its label delay lasts. Labels are read once, over the
   * oldest such window's start up to now; a window is re-run when the labels matching its
   * captured ids (inference ids and eventIds, kept as 64-bit hashes, 16 bytes per record) differ
   * from those its report used. Windows past their delay are forgotten. Windows run before this
   * process started are not known here: rerun them with {@code vigil monitor run-once}.
   *
   * @return the reports of the windows re-run (each replaced the window's earlier report)
   */
  public List<MonitorReport> recheckLabels() throws WindowReadException, PublishException {
    if (labelSource == null) {
      return List.of();
    }
    Instant now = clock.instant();
    labelled.keySet().removeIf(w -> w.end().plus(labelDelay).isBefore(now));
    if (labelled.isEmpty()) {
      return List.of();
    }
    Instant from = labelled.keySet().stream().map(Window::start).min(Instant::compareTo).orElseThrow();
    GroundTruth truth = labelSource.read(from, now, output.labels());
    List<MonitorReport> rerun = new ArrayList<>();
    for (Map.Entry<Window, WindowIds> e : new ArrayList<>(labelled.entrySet())) {
      long fingerprint = truth.fingerprintOf(e.getValue().idHashes());
      if (fingerprint != e.getValue().labelFingerprint()) {
        log.info("endpoint {} window {}: new ground truth, re-evaluating", endpoint, e.getKey());
        rerun.add(run(e.getKey()));
      }
    }
    return rerun;
  }

  /** What a window's run saw: its captured id hashes (sorted) and the fingerprint of the labels that matched. */
  private record WindowIds(long[] idHashes, long labelFingerprint) {}

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
