package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.classes.Labels;
import dev.vigil.monitor.truth.GroundTruth;
import dev.vigil.monitor.truth.KafkaLabelSource;
import dev.vigil.monitor.truth.S3LabelSource;
import dev.vigil.stack.EmbeddedStack;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code vigil labels push} into the real S3 server and Kafka broker, read back by the monitor's label sources. */
class LabelsCommandTest {
  private static final Labels LABELS = Labels.of(List.of("speed_30", "yield", "stop"));
  private static EmbeddedStack stack;
  private static S3Client s3;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.builder().smtp(false).build().start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private Path config(String source, String endpoint) throws Exception {
    Path labels = Files.writeString(dir.resolve("labels.txt"), String.join("\n", LABELS.names()) + "\n");
    return Files.writeString(dir.resolve("vigil.yaml"), """
        endpoints:
          - name: %s
            upstream: http://127.0.0.1:8080
            output: {format: probabilities}
            labels: "%s"
        sinks:
          kafka: {bootstrapServers: "%s"}
          s3: {bucket: %s, prefix: capture, endpointOverride: "%s", pathStyle: true, accessKeyId: "%s", secretAccessKey: "%s"}
        monitor:
          groundTruth: {source: %s}
        """.formatted(endpoint, labels, stack.kafkaBootstrapServers(), stack.s3Bucket(), stack.s3Endpoint(),
        stack.s3AccessKey(), stack.s3SecretKey(), source));
  }

  private int run(String... args) {
    return TestCli.capturing(out, err).execute(args);
  }

  @Test
  void csvGoesToS3InSageMakersLayoutAndTheMonitorReadsItBack() throws Exception {
    Path file = Files.writeString(dir.resolve("labels.csv"),
        "id,label\ninf-1,stop\n\"inf,2\",1\ninf-3,speed_30\ninf-1,yield\n");
    Instant before = Instant.now().minusSeconds(1);
    int code = run("labels", "push", "--config", config("s3", "signs").toString(), "--endpoint", "signs", file.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("pushed 4 labels of signs to s3://" + stack.s3Bucket() + "/ground-truth/signs/")
        .contains("1 ids labelled more than once");
    assertThat(err.toString()).contains("pushing labels [##############################] 4/4");
    GroundTruth read = new S3LabelSource(s3, stack.s3Bucket(), "ground-truth/signs")
        .read(before, Instant.now().plusSeconds(1), LABELS);
    assertThat(read.linesRead()).isEqualTo(4);
    assertThat(read.lookup("inf-1", "x")).isEqualTo(1); // the later label of inf-1 counts
    assertThat(read.lookup("inf,2", "x")).isEqualTo(1);
    assertThat(read.lookup("inf-3", "x")).isEqualTo(0);
    assertThat(read.problems(0)).containsEntry("duplicate", 1L).containsEntry("malformed_line", 0L);
  }

  @Test
  void jsonLinesGoToKafka() throws Exception {
    Path file = Files.writeString(dir.resolve("labels.jsonl"), """
        {"id":"k-1","label":"stop"}
        {"inferenceId":"k-2","label":0}
        {"groundTruthData":{"data":"1","encoding":"CSV"},"eventMetadata":{"eventId":"k-3"},"eventVersion":"0"}
        """);
    Instant before = Instant.now().minusSeconds(1);
    int code = run("labels", "push", "-c", config("kafka", "kafka-signs").toString(), "-e", "kafka-signs", file.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("pushed 3 labels of kafka-signs to Kafka topic vigil.ground-truth.kafka-signs");
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrapServers());
    GroundTruth read = new KafkaLabelSource(p, "vigil.ground-truth.kafka-signs", Duration.ofSeconds(60))
        .read(before, Instant.now().plusSeconds(1), LABELS);
    assertThat(read.size()).isEqualTo(3);
    assertThat(read.lookup("k-1", "x")).isEqualTo(2);
    assertThat(read.lookup("k-2", "x")).isZero();
    assertThat(read.lookup("k-3", "x")).isEqualTo(1);
  }

  @Test
  void badLinesStopThePushWithOneLineEachAndNothingIsWritten() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.csv"), "a-1,stop\na-2,banana\na-3,1,extra\n\"a-4,1\n");
    int code = run("labels", "push", "-c", config("s3", "bad").toString(), "-e", "bad", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("3 bad line(s) in " + file + ", nothing was pushed")
        .contains(file + ":2: label 'banana' is neither a class index nor a label")
        .contains(file + ":3: expected two columns 'id,label', got 3")
        .contains(file + ":4: a quote is not closed");
    assertThat(s3.listObjectsV2(b -> b.bucket(stack.s3Bucket()).prefix("ground-truth/bad/")).contents()).isEmpty();
  }

  @Test
  void withoutAGroundTruthSourceItSaysWhatToSet() throws Exception {
    Path file = Files.writeString(dir.resolve("l.csv"), "a,1\n");
    assertThat(run("labels", "push", "-c", config("none", "signs").toString(), "-e", "signs", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("monitor.groundTruth.source is none").contains("set it to s3 or kafka");
  }
}
