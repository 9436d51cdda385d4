package dev.vigil.pipeline.replay;

import ai.onnxruntime.OrtException;
import dev.vigil.classes.Labels;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.config.SaliencyConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.signals.Screening;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.render.HeatmapRenderer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Saliency for monitoring reports, wired from the configuration: for each report with
 * violations, the first {@code saliency.samplesPerViolation} flagged samples of every violation
 * are replayed ({@link SaliencyReplay}) with the endpoint's pre-processing and labels, and the
 * files go to the window's report folder in S3 ({@code sinks.s3}) and/or under a local
 * directory. Without {@code saliency.model} it is disabled and replays nothing.
 *
 * <p>For the alert e-mail: {@code replay(report).samples()} carries each sample's overlay and
 * input PNG by eventId.
 */
public final class ReportReplay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReportReplay.class);

  private final VigilConfig config;
  private final S3Client s3;
  private final CaptureFetcher fetcher;
  private final Path localRoot;
  private final Clock clock;
  private final FullGradExplainer explainer; // null when disabled

  /**
   * Opens the model of {@code saliency.model} (if set).
   *
   * @param s3OrNull client for the report folder in {@code sinks.s3} (not closed here); null
   *     writes locally only
   * @param fetcher reads the captured records (not closed here)
   * @param localReportsOrNull local root: files go to {@code root/<report folder>/saliency/}
   * @throws IOException when the model cannot be read
   * @throws OrtException when ONNX Runtime rejects it
   */
  public ReportReplay(
      VigilConfig config,
      S3Client s3OrNull,
      CaptureFetcher fetcher,
      Path localReportsOrNull,
      Clock clock)
      throws IOException, OrtException {
    this.config = Objects.requireNonNull(config, "config");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.s3 = s3OrNull;
    this.localRoot = localReportsOrNull;
    SaliencyConfig s = config.saliency();
    if (s.model() == null) {
      LOG.info("saliency.model is not set: flagged samples get no heatmaps");
      this.explainer = null;
    } else {
      this.explainer =
          FullGradExplainer.open(
              s.model(),
              new SaliencyOptions(s.device().configName(), s.intraOpThreads(), s.batchSize()));
    }
  }

  /** Whether a model is configured. */
  public boolean enabled() {
    return explainer != null;
  }

  /**
   * Replays the flagged samples of {@code report}; an empty report when disabled or when nothing
   * was violated.
   *
   * @throws IOException when no destination could store the files
   */
  public ReplayReport replay(MonitorReport report) throws IOException {
    if (explainer == null || !report.hasViolations()) {
      return new ReplayReport(List.of(), null, new byte[0], List.of());
    }
    EndpointConfig endpoint =
        config
            .endpoint(report.endpoint())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "report for endpoint '" + report.endpoint() + "' which is not configured"));
    if (endpoint.preprocessing() == null) {
      throw new IllegalArgumentException(
          "endpoints[" + endpoint.name() + "].preprocessing is not set: cannot replay images");
    }
    Labels labels = endpoint.labels() == null ? Labels.none() : Labels.read(endpoint.labels());
    SaliencyReplay replay =
        new SaliencyReplay(
            explainer,
            new Preprocessor(Preprocessing.from(endpoint.preprocessing())),
            labels,
            HeatmapRenderer.defaults(),
            config.saliency().batchSize(),
            clock);
    List<FlaggedSample> chosen = select(report, config.saliency().samplesPerViolation());
    Map<String, Screening> screenings = new HashMap<>();
    for (FlaggedSample s : report.flaggedSamples()) {
      if (s.eventId() != null && s.screening() != null) {
        screenings.putIfAbsent(SaliencyReplay.screeningKey(s.eventId(), s.batchItem()), s.screening());
      }
    }
    return replay.replay(SaliencyReplay.fetch(chosen, fetcher), sinks(report), screenings);
  }

  /**
   * The first {@code perViolation} flagged samples of each violation (the monitor lists them
   * most telling first), each eventId once.
   */
  public static List<FlaggedSample> select(MonitorReport report, int perViolation) {
    List<FlaggedSample> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Violation v : report.violations()) {
      int taken = 0;
      for (FlaggedSample s : report.samplesOf(v)) {
        if (taken >= perViolation) {
          break;
        }
        String key = s.eventId() != null ? s.eventId() : String.valueOf(s.location());
        if (seen.add(key)) {
          out.add(s);
          taken++;
        }
      }
    }
    return out;
  }

  private List<ArtifactSink> sinks(MonitorReport report) {
    S3SinkConfig s = config.sinks().s3();
    String folder =
        ReportKeys.directory(s.prefix(), report.endpoint(), report.windowStart(), report.windowEnd());
    List<ArtifactSink> sinks = new ArrayList<>();
    if (s3 != null) {
      sinks.add(new S3Sink(s3, s.bucket(), folder));
    }
    if (localRoot != null) {
      sinks.add(new LocalDirectorySink(localRoot.resolve(folder)));
    }
    return sinks;
  }

  @Override
  public void close() throws OrtException {
    if (explainer != null) {
      explainer.close();
    }
  }
}
