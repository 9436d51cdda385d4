package dev.vigil.pipeline.alert;

import dev.vigil.alerts.HeatmapItem;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportListener;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Plugs the alerts module into monitor-jobs: every finished report (clean ones too, so a
 * "resolved" notice can follow) becomes one alert offer. Returns at once: charts, heatmaps
 * ({@code heatmaps}, e.g. saliency replay) and delivery run on the dispatcher's thread.
 */
public final class AlertingReportListener implements ReportListener {
  private final AlertDispatcher dispatcher;
  private final String bucket;
  private final String prefix;
  private final Function<MonitorReport, List<HeatmapItem>> heatmaps;

  /**
   * @param dispatcher where alerts go
   * @param bucket S3 bucket the reports are written to, or null
   * @param prefix S3 key prefix of the reports ({@code sinks.s3.prefix})
   * @param heatmaps heatmaps for a report's flagged samples (runs on the alerts thread), or null for none
   */
  public AlertingReportListener(AlertDispatcher dispatcher, String bucket, String prefix,
      Function<MonitorReport, List<HeatmapItem>> heatmaps) {
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.bucket = bucket;
    this.prefix = prefix;
    this.heatmaps = heatmaps == null ? r -> List.of() : heatmaps;
  }

  @Override
  public void onReport(MonitorReport report) {
    dispatcher.offer(report.endpoint(), () -> ReportAdapter.toContent(report,
        ReportAdapter.s3Location(bucket, prefix, report),
        report.hasViolations() ? heatmaps.apply(report) : List.of()));
  }
}
