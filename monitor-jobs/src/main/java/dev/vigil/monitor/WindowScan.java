package dev.vigil.monitor;

import dev.vigil.capture.format.BodyExcerpt;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.flag.FlagCollector;
import dev.vigil.monitor.output.OutputParseException;
import dev.vigil.monitor.output.OutputParser;
import dev.vigil.monitor.output.ParsedOutput;
import dev.vigil.monitor.output.Prediction;
import dev.vigil.monitor.quality.QualityAccumulator;
import dev.vigil.monitor.signals.InputSampler;
import dev.vigil.monitor.signals.SampledInput;
import dev.vigil.monitor.stats.StatisticsAccumulator;
import dev.vigil.monitor.stats.UnusableReason;
import dev.vigil.monitor.window.CaptureVisitor;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One reading thread's view of a window: reads each record's output, feeds the statistics and
 * keeps flag candidates. Thread-confined; {@link #merge} combines the scans of several readers.
 */
public final class WindowScan implements CaptureVisitor {
  /** Length of the abbreviated example body kept per unreadable-output reason. */
  static final int EXAMPLE_CHARS = 160;

  private final OutputParser parser;
  private final StatisticsAccumulator statistics;
  private final FlagCollector flags;
  private final LongAdder progress;
  private long duplicates;
  private double shareRead = 1.0;
  private java.time.Instant earliestRetained;
  private final QualityAccumulator quality; // null: no ground truth, no estimate
  private final InputSampler inputs; // null: model-side signals off

  public WindowScan(OutputParser parser, double lowConfidenceThreshold, int flaggedPerViolation) {
    this(parser, lowConfidenceThreshold, flaggedPerViolation, null);
  }

  /** @param progressOrNull counts every record read (shared by all readers; for progress display) */
  public WindowScan(OutputParser parser, double lowConfidenceThreshold, int flaggedPerViolation, LongAdder progressOrNull) {
    this(parser, lowConfidenceThreshold, flaggedPerViolation, progressOrNull, null, null);
  }

  /**
   * @param qualityOrNull joins predictions to labels and sums calibrated confidence (one per scan)
   * @param inputsOrNull samples the inputs of readable records for the model-side signals
   */
  public WindowScan(OutputParser parser, double lowConfidenceThreshold, int flaggedPerViolation, LongAdder progressOrNull,
      QualityAccumulator qualityOrNull, InputSampler inputsOrNull) {
    this.quality = qualityOrNull;
    this.inputs = inputsOrNull;
    this.progress = progressOrNull;
    this.parser = parser;
    this.statistics = new StatisticsAccumulator(lowConfidenceThreshold);
    this.flags = new FlagCollector(flaggedPerViolation, parser.spec().labels());
  }

  @Override
  public void record(CaptureRecord r, CaptureLocation location) {
    statistics.record();
    if (progress != null) {
      progress.increment();
    }
    UnusableReason reason = check(r);
    if (reason != null) {
      unusable(reason, r, location);
      return;
    }
    byte[] body = null;
    ParsedOutput parsed;
    try {
      body = r.endpointOutput().bytes();
      parsed = parser.read(body);
    } catch (OutputParseException e) {
      unreadable(e.reason(), e.getMessage(), r, body, location);
      return;
    } catch (IllegalArgumentException e) {
      unreadable(body == null ? "response body is not valid base64" : "invalid prediction",
          String.valueOf(e.getMessage()), r, body, location);
      return;
    }
    statistics.format(parsed.format());
    if (inputs != null && (r.vigil() == null || !r.vigil().truncated())) {
      // The window readers skip input bodies (CaptureLineReader): then the location is kept.
      CapturedBody in = r.endpointInput();
      inputs.offer(r.eventId(), in == null || in.data().isEmpty() ? null : in, location);
    }
    List<Prediction> predictions = parsed.predictions();
    for (int i = 0; i < predictions.size(); i++) {
      Prediction p = predictions.get(i);
      statistics.accept(p);
      flags.offer(r.eventId(), r.inferenceTime(), i, p, location);
    }
    if (quality != null) {
      quality.offer(r, predictions);
    }
  }

  /** Why a record cannot be used before its output is even read, or null. */
  private static UnusableReason check(CaptureRecord r) {
    CapturedBody out = r.endpointOutput();
    if (out == null || out.data() == null || out.data().isEmpty()) {
      return UnusableReason.MISSING_OUTPUT;
    }
    if (r.vigil() != null) {
      int status = r.vigil().status();
      if (status >= 300 || (status > 0 && status < 200)) {
        return UnusableReason.UPSTREAM_ERROR;
      }
      if (r.vigil().truncated()) {
        return UnusableReason.TRUNCATED_BODY;
      }
    }
    return null;
  }

  private void unreadable(String reason, String detail, CaptureRecord r, byte[] body, CaptureLocation location) {
    String type = r.endpointOutput().observedContentType();
    statistics.unreadable(reason, detail, r.eventId(),
        (type == null ? "" : type + ": ") + BodyExcerpt.of(body, EXAMPLE_CHARS));
    unusable(UnusableReason.UNPARSEABLE_OUTPUT, r, location);
  }

  private void unusable(UnusableReason reason, CaptureRecord r, CaptureLocation location) {
    statistics.unusable(reason);
    flags.offerUnusable(r.eventId(), r.inferenceTime(), reason, location);
  }

  @Override
  public void malformed(UnusableReason reason, String detail, CaptureLocation location) {
    statistics.record();
    if (progress != null) {
      progress.increment();
    }
    statistics.unusable(reason);
    flags.offerUnusable(null, null, reason, location);
  }

  @Override
  public void duplicate(CaptureLocation location) {
    duplicates++;
  }

  @Override
  public void incomplete(double shareRead, java.time.Instant earliestRetained) {
    if (shareRead < this.shareRead) {
      this.shareRead = shareRead;
      this.earliestRetained = earliestRetained;
    }
  }

  /** Re-sent records skipped (same eventId as one already read). */
  public long duplicates() {
    return duplicates;
  }

  /** Share of the window's time span that could be read (1 unless retention cut its start). */
  public double shareRead() {
    return shareRead;
  }

  /** The earliest retained record's time when {@link #shareRead()} is below 1, else null. */
  public java.time.Instant earliestRetained() {
    return earliestRetained;
  }

  /** Adds {@code other}'s counts and candidates into this scan. */
  public WindowScan merge(WindowScan other) {
    statistics.merge(other.statistics);
    flags.merge(other.flags);
    duplicates += other.duplicates;
    incomplete(other.shareRead, other.earliestRetained);
    if (quality != null && other.quality != null) {
      quality.merge(other.quality);
    }
    if (inputs != null && other.inputs != null) {
      inputs.merge(other.inputs);
    }
    return this;
  }

  /** The window's sample of inputs (empty when model-side signals are off). */
  public List<SampledInput> sampledInputs() {
    return inputs == null ? List.of() : inputs.sample();
  }

  public StatisticsAccumulator statistics() {
    return statistics;
  }

  public FlagCollector flags() {
    return flags;
  }

  /** The ground-truth join and estimate, or null. */
  public QualityAccumulator quality() {
    return quality;
  }
}
