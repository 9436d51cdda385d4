package dev.vigil.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.delivery.RecordingChannel;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** report.html written locally and next to report.json in a real S3 server (S3Proxy). */
class ReportPublisherTest {
  private static Path stackDir;
  private static EmbeddedStack stack;
  private static S3Client s3;

  @TempDir Path dir;

  @BeforeAll
  static void startS3() throws Exception {
    stackDir = Files.createTempDirectory("vigil-alerts-s3");
    stack = EmbeddedStack.builder().dataDir(stackDir).kafka(false).s3(true).smtp(false).postgres(false).build();
    stack.start();
    s3 = S3Client.builder()
        .endpointOverride(stack.s3Endpoint())
        .forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
    Fixtures.deleteRecursively(stackDir);
  }

  @Test
  void writesReportHtmlLocallyAndNextToReportJsonInS3() throws Exception {
    AlertContent c = Fixtures.content("traffic-signs", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 2,
        "Stop");
    ReportPublisher.Published p = new ReportPublisher(dir.resolve("reports"), s3).publish(c);

    assertThat(p.localFile()).isEqualTo(dir.resolve("reports/traffic-signs/v1/20261122T100000Z/report.html"));
    String page = HtmlReport.render(c);
    assertThat(p.localFile()).hasContent(page);
    assertThat(p.localFile().resolveSibling("report.json")).hasBinaryContent(c.reportJson());
    assertThat(p.s3Location().toString()).isEqualTo("s3://vigil/reports/traffic-signs/v1/2026/11/22/10/report.html");
    ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket())
        .key("reports/traffic-signs/v1/2026/11/22/10/report.html"));
    assertThat(object.asString(StandardCharsets.UTF_8)).isEqualTo(page);
    assertThat(object.response().contentType()).startsWith("text/html");
  }

  @Test
  void alertStillGoesOutWhenS3IsDown() throws Exception {
    RecordingChannel recording = new RecordingChannel();
    List<Alert> rendered = recording.rendered();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    S3Client impatient = S3Client.builder()
        .endpointOverride(stack.s3Endpoint())
        .forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1)))
        .build();
    stack.stopS3();
    try (impatient;
        AlertDispatcher d = AlertDispatcher.builder().outbox(dir.resolve("outbox")).pollInterval(Duration.ofMillis(20))
            .meterRegistry(registry).reportPublisher(new ReportPublisher(dir.resolve("reports"), impatient))
            .channel(recording).build()) {
      d.offer(Fixtures.content("s3-down", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.9)), 1, "Stop"));
      await().atMost(Duration.ofSeconds(30)).until(() -> rendered.size() == 1);
      assertThat(registry.get("alerts.report.failures").counter().count()).isEqualTo(1);
    } finally {
      stack.startS3();
    }
    // the local copy was written before the S3 put failed
    assertThat(dir.resolve("reports/s3-down/v1/20261122T100000Z/report.html")).exists();
  }
}
