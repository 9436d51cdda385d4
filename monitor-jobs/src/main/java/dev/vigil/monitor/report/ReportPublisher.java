package dev.vigil.monitor.report;

import dev.vigil.monitor.chart.Charts;
import dev.vigil.monitor.chart.InputProjectionChart;
import dev.vigil.monitor.chart.QualityCharts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes a report where people and programs find it: {@code report.json}, {@code
 * constraint_violations.json} and the PNG charts under {@link ReportKeys#directory} in S3, and the
 * report JSON to a Kafka topic (key = endpoint, so one endpoint's reports stay ordered). Either
 * side may be absent (null client).
 *
 * <p>{@code report.json} is written last, after Kafka: its presence means the window was published
 * whole, which is how the scheduler tells a window done ({@link #published}) and never runs it
 * twice, and how it finds windows missed during downtime.
 */
public final class ReportPublisher {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  /**
   * @param s3 S3 client or null (then nothing is written to S3)
   * @param producer Kafka producer or null (then nothing is published); not closed here
   */
  public ReportPublisher(S3Client s3, String bucket, String prefix, Producer<byte[], byte[]> producer, String topic) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.producer = producer;
    this.topic = topic;
  }

  /**
   * Publishes one report.
   *
   * @param history recent reports of the same endpoint, oldest first, this one last (for the
   *     share-history chart)
   * @return the S3 folder written, or null without S3
   * @throws PublishException when S3 or Kafka refused it
   */
  public String publish(MonitorReport report, List<MonitorReport> history) throws PublishException {
    String dir = null;
    byte[] json = ReportJson.toJson(report);
    if (s3 != null) {
      dir = ReportKeys.directory(prefix, report.endpoint(), report.windowStart(), report.windowEnd());
      try {
        put(dir + ReportKeys.CONSTRAINT_VIOLATIONS, ReportJson.constraintViolations(report), "application/json");
        put(dir + ReportKeys.CLASS_DISTRIBUTION_PNG, Charts.classDistribution(report), "image/png");
        put(dir + ReportKeys.CONFIDENCE_HISTOGRAM_PNG, Charts.confidenceHistogram(report), "image/png");
        put(dir + ReportKeys.CLASS_SHARE_HISTORY_PNG, Charts.classShareHistory(history), "image/png");
        if (QualityCharts.hasConfusion(report)) {
          put(dir + ReportKeys.CONFUSION_MATRIX_PNG, QualityCharts.confusionMatrix(report), "image/png");
        }
        if (InputProjectionChart.available(report)) {
          put(dir + ReportKeys.INPUT_EMBEDDINGS_PNG, InputProjectionChart.png(report), "image/png");
        }
      } catch (RuntimeException e) {
        throw new PublishException("cannot write the report to s3://" + bucket + "/" + dir + ": " + e.getMessage(), e);
      }
    }
    if (producer != null) {
      try {
        producer.send(new ProducerRecord<>(topic, report.endpoint().getBytes(StandardCharsets.UTF_8), json))
            .get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PublishException("interrupted while publishing the report to " + topic, e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        throw new PublishException("cannot publish the report to Kafka topic " + topic + ": " + e.getMessage(), e);
      }
    }
    if (s3 != null) {
      try {
        put(dir + ReportKeys.REPORT, json, "application/json");
      } catch (RuntimeException e) {
        throw new PublishException("cannot write the report to s3://" + bucket + "/" + dir + ": " + e.getMessage(), e);
      }
    }
    return dir;
  }

  /**
   * Whether the window's {@code report.json} exists, i.e. it was published whole.
   *
   * @return false without S3
   * @throws RuntimeException (the SDK's) when S3 cannot answer
   */
  public boolean published(String endpoint, java.time.Instant start, java.time.Instant end) {
    if (s3 == null) {
      return false;
    }
    String key = ReportKeys.directory(prefix, endpoint, start, end) + ReportKeys.REPORT;
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private void put(String key, byte[] bytes, String contentType) {
    s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
  }
}
