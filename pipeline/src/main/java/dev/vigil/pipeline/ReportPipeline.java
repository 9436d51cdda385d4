package dev.vigil.pipeline;

import dev.vigil.alerts.Alerts;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.delivery.JdbcAlertState;
import dev.vigil.alerts.delivery.S3AlertState;
import dev.vigil.alerts.delivery.SharedAlertState;
import dev.vigil.config.JobStoreConfig;
import dev.vigil.config.JobStoreType;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.pipeline.alert.AlertingReportListener;
import dev.vigil.pipeline.alert.SaliencyAdapter;
import dev.vigil.alerts.report.ReportPublisher;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportListener;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReportReplay;
import dev.vigil.pipeline.signals.OnnxModelProbes;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What happens to a finished window report after the monitor has published it: the flagged
 * samples are replayed through FullGrad (when {@code saliency.model} is set) and the alert goes
 * out with the heatmaps (email, webhook). design.md's flow: monitor-jobs → saliency → alerts.
 *
 * <p>The replay runs on the alerts thread (inside the dispatcher's content supplier), so a slow
 * model never holds up the monitor's Quartz thread. A failed replay costs the heatmaps, never
 * the alert.
 */
public final class ReportPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReportPipeline.class);

  /** Where, under the reports bucket's prefix, the memory job store's replicas share alert state. */
  public static final String ALERT_STATE_PREFIX = "alert-state";

  private final S3Client s3;
  private final CaptureFetcher fetcher;
  private final ReportReplay replay;
  private final OnnxModelProbes probes; // null: model-side signals off
  private final AlertDispatcher dispatcher;
  private final ReportListener listener;
  private final Extension extension;

  /**
   * More heatmaps for a report's alert, made from its replay (the demo adds clean-vs-adversarial
   * pairs); runs on the alerts thread after the replay. A failure costs these heatmaps only.
   */
  @FunctionalInterface
  public interface Extension {
    List<HeatmapItem> heatmaps(MonitorReport report, ReplayReport replay) throws Exception;
  }

  /**
   * @param reportsDir local root for report.html and heatmap copies
   * @throws Exception when the model cannot be opened or the outbox cannot be created; what was
   *     already opened is closed first
   */
  public ReportPipeline(VigilConfig config, MeterRegistry registry, Path reportsDir, Clock clock) throws Exception {
    this(config, registry, reportsDir, clock, null);
  }

  /**
   * As the plain pipeline, with {@code extensionOrNull}'s heatmaps appended to each alert's.
   *
   * @throws Exception when the model cannot be opened or the outbox cannot be created
   */
  public ReportPipeline(VigilConfig config, MeterRegistry registry, Path reportsDir, Clock clock,
      Extension extensionOrNull) throws Exception {
    this.extension = extensionOrNull;
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      s3 = MonitorRuntime.s3Client(config.sinks().s3());
      opened.add(s3);
      fetcher = new CaptureFetcher(s3,
          config.sinks().kafka().enabled() ? MonitorRuntime.kafkaClientProperties(config.sinks().kafka()) : null,
          new CaptureRecordCodec());
      opened.add(fetcher);
      replay = new ReportReplay(config, s3, fetcher, reportsDir, clock);
      opened.add(replay);
      probes = OnnxModelProbes.openIfEnabled(config, fetcher);
      if (probes != null) {
        opened.add(probes);
      }
      dispatcher = Alerts.dispatcher(config.alerts(), registry, new ReportPublisher(reportsDir, s3),
          sharedAlertState(config, s3));
    } catch (Exception | Error e) {
      closeAll(opened);
      throw e;
    }
    listener = new AlertingReportListener(dispatcher, config.sinks().s3().bucket(), config.sinks().s3().prefix(),
        this::heatmaps);
  }

  /**
   * Alert state every replica shares (issue 13), so each judges cool-downs and resolved notices
   * alike: with the clustered job store, next to it in PostgreSQL; with the memory job store
   * (replicas each run every window), in the bucket the reports go to, under
   * {@code PREFIX/alert-state/}, by S3 conditional writes. The monitor always writes its reports
   * there (also with {@code sinks.s3.enabled: false}, which only stops the capture sink), so there
   * is always a bucket; the outbox's {@code dedup.json} is left to dispatchers built without one.
   */
  private static SharedAlertState sharedAlertState(VigilConfig config, S3Client s3) throws java.sql.SQLException {
    JobStoreConfig j = config.monitor().jobStore();
    if (j.type() == JobStoreType.JDBC) {
      return JdbcAlertState.open(j.jdbcUrl(), j.user(), j.password().reveal(), j.instanceId(),
          SharedAlertState.DEFAULT_CLAIM_LEASE);
    }
    S3SinkConfig bucket = config.sinks().s3();
    String prefix = bucket.prefix().isEmpty() ? ALERT_STATE_PREFIX : bucket.prefix() + "/" + ALERT_STATE_PREFIX;
    return S3AlertState.open(s3, bucket.bucket(), prefix, j.instanceId(), SharedAlertState.DEFAULT_CLAIM_LEASE);
  }

  /**
   * The model for the monitor's model-side signals (input drift, adversarial screening), to hand
   * to {@link MonitorRuntime}; null when {@code saliency.signals} is off.
   */
  public OnnxModelProbes probes() {
    return probes;
  }

  /** The listener to hand to {@link MonitorRuntime}. */
  public ReportListener listener() {
    return listener;
  }

  /**
   * For one-shot runs: waits until the offered reports were replayed and their alerts delivered.
   *
   * @return false when something still waits in the outbox after {@code timeout}
   */
  public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    return dispatcher.awaitIdle(timeout);
  }

  /** Alerts still waiting in the outbox (SMTP down, backing off). */
  public int pendingAlerts() {
    return dispatcher.pendingCount();
  }

  private List<HeatmapItem> heatmaps(MonitorReport report) {
    if (!replay.enabled()) {
      return List.of();
    }
    ReplayReport replayed;
    try {
      replayed = replay.replay(report);
    } catch (Exception e) {
      log.warn("saliency replay of {} window {} failed, the alert goes out without heatmaps: {}",
          report.endpoint(), report.windowStart(), e.toString());
      return List.of();
    }
    List<HeatmapItem> items = new ArrayList<>(SaliencyAdapter.heatmaps(replayed));
    if (extension != null) {
      try {
        items.addAll(extension.heatmaps(report, replayed));
      } catch (Exception e) {
        log.warn("extra heatmaps of {} window {} failed, the alert goes out with the replay's only: {}",
            report.endpoint(), report.windowStart(), e.toString());
      }
    }
    return items;
  }

  @Override
  public void close() {
    // The dispatcher first: it may still be replaying on its thread.
    List<AutoCloseable> all = new ArrayList<>(List.of(dispatcher, replay));
    if (probes != null) {
      all.add(probes);
    }
    all.addAll(List.of(fetcher, s3));
    closeAll(all);
  }

  private static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
