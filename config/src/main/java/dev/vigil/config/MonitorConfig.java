package dev.vigil.config;

import java.util.Objects;

/**
 * The scheduled monitor jobs ({@code monitor}).
 *
 * @param schedule as written: {@code hourly}, {@code daily}, {@code every N hours} or a Quartz
 *     cron expression; {@link #cronExpression()} gives the Quartz form
 * @param window the capture window each run checks
 * @param source where captures are read from
 * @param minRecords fewer records in a window means "not enough data", not a verdict
 * @param lowConfidenceThreshold a record whose top-1 confidence is below this is low-confidence
 * @param thresholds violation limits
 * @param flaggedSamplesPerViolation how many records behind a violation are reported
 * @param baseline directory or {@code s3://bucket/prefix} with statistics.json and
 *     constraints.json; {@code null} when there is no baseline yet
 * @param reportsTopic Kafka topic reports are published to
 * @param admin where the monitor's {@code /healthz} and {@code /metrics} are served
 * @param jobStore Quartz job store
 * @param backfillMaxWindows windows missed while no replica ran (downtime) that the next run checks
 *     first, oldest first; 0 turns backfill off
 * @param groundTruth ground-truth labels: where they come from, how late they may arrive
 */
public record MonitorConfig(
    String schedule,
    WindowConfig window,
    MonitorSource source,
    int minRecords,
    double lowConfidenceThreshold,
    ThresholdsConfig thresholds,
    int flaggedSamplesPerViolation,
    String baseline,
    String reportsTopic,
    AdminConfig admin,
    JobStoreConfig jobStore,
    int backfillMaxWindows,
    GroundTruthConfig groundTruth) {

  public MonitorConfig {
    Objects.requireNonNull(groundTruth, "groundTruth");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(thresholds, "thresholds");
    Objects.requireNonNull(reportsTopic, "reportsTopic");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(jobStore, "jobStore");
  }

  /**
   * {@link #schedule()} as a Quartz cron expression: {@code hourly} is {@code 0 0 * * * ?},
   * {@code daily} {@code 0 0 0 * * ?}, {@code every N hours} {@code 0 0 0/N * * ?}; a cron
   * expression is returned as written.
   */
  public String cronExpression() {
    return Schedules.toCron(schedule);
  }
}
