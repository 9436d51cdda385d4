package dev.vigil.monitor.report;

/**
 * Receives every finished report, after it has been written to S3 and published to Kafka: the
 * seam where the saliency and alert modules plug in. Called on the monitoring job's thread, once
 * per report, in registration order. An exception thrown here is logged and counted ({@code
 * vigil.monitor.listener.failures}), never fails the job nor stops later listeners; a slow
 * listener delays the next window of the same endpoint only, so hand long work to your own thread.
 */
@FunctionalInterface
public interface ReportListener {
  void onReport(MonitorReport report);
}
