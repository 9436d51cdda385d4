package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.support.CommandRunner;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.stack.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code vigil monitor run-once} and {@code vigil baseline} against a real S3 server and Kafka broker. */
class MonitorCommandTest {
  private static final CaptureRecordCodec CODEC = new CaptureRecordCodec();
  private static final Instant HOUR = Instant.parse("2026-11-22T10:00:00Z");
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
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    // 10:00-11:00: class 2 in 163 of 200 predictions (150 + every 4th of the rest); 12:00-13:00: balanced over 4 classes.
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(CaptureLayout.objectKey("capture", "signs", "v1", HOUR, UUID.randomUUID())),
        RequestBody.fromBytes(jsonl(HOUR, 200, i -> i < 150 ? 2 : i % 4)));
    Instant noon = HOUR.plusSeconds(7200);
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(CaptureLayout.objectKey("capture", "signs", "v1", noon, UUID.randomUUID())),
        RequestBody.fromBytes(jsonl(noon, 200, i -> i % 4)));
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

  static byte[] jsonl(Instant start, int n, java.util.function.IntUnaryOperator classOf) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      int cls = classOf.applyAsInt(i);
      StringBuilder v = new StringBuilder("[");
      for (int c = 0; c < 4; c++) {
        v.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", c == cls ? 0.85 : 0.05));
      }
      CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", "INPUT", new byte[] {1, 2, 3}),
          CapturedBody.text("application/json", "OUTPUT", v.append(']').toString()),
          "ev-" + start.getEpochSecond() + "-" + i, start.plusSeconds(i * 10L), null, "0",
          new VigilMetadata("signs", "v1", 100, 200, false));
      o.writeBytes(CODEC.toJsonLine(r));
      o.write('\n');
    }
    return o.toByteArray();
  }

  private Path config(String baseline) throws Exception {
    return Files.writeString(dir.resolve("vigil.yaml"), """
        endpoints:
          - name: signs
            variant: v1
            upstream: http://127.0.0.1:8080
            output: {format: probabilities}
        sinks:
          kafka: {bootstrapServers: "%s"}
          s3: {bucket: %s, prefix: capture, endpointOverride: "%s", pathStyle: true, accessKeyId: "%s", secretAccessKey: "%s"}
        monitor:
          minRecords: 100
          baseline: %s
        """.formatted(stack.kafkaBootstrapServers(), stack.s3Bucket(), stack.s3Endpoint(), stack.s3AccessKey(),
        stack.s3SecretKey(), baseline == null ? "null" : "\"" + baseline + "\""));
  }

  /**
   * Runs {@code monitor ...} or {@code baseline ...} with the CLI's exit-code mapping, on a
   * command line holding just these two commands (independent of the other subcommands).
   */
  private int run(String... args) {
    CommandLine cli = CommandRunner.commandLine(args[0].equals("monitor") ? new MonitorCommand() : new BaselineCommand());
    args = java.util.Arrays.copyOfRange(args, 1, args.length);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void runOncePrintsTheClassShareViolationAndWritesTheReportToS3() throws Exception {
    int code = run("monitor", "run-once", "--config", config(null).toString(), "--endpoint", "signs",
        "--window", "2026-11-22T10:00:00Z/PT1H");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("200 predictions from 200 records")
        .contains("VIOLATION class_share_exceeded [warning] 2: value 0.8150, limit 0.5000")
        .contains("report: s3://vigil/capture/reports/signs/2026/11/22/10/20261122T100000Z_20261122T110000Z/report.json");
    String key = "capture/reports/signs/2026/11/22/10/20261122T100000Z_20261122T110000Z/report.json";
    assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(key)).asUtf8String()).contains("class_share_exceeded");
  }

  @Test
  void baselineFromLocalFilesThenDriftAgainstIt() throws Exception {
    Path captures = Files.write(dir.resolve("captures.jsonl"), jsonl(HOUR.plusSeconds(7200), 200, i -> i % 4));
    Path base = dir.resolve("baseline");
    int code = run("baseline", "--config", config(null).toString(), "--endpoint", "signs", "--from", captures.toString(),
        "--out", base.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(base.resolve("statistics.json")).exists();
    assertThat(Files.readString(base.resolve("constraints.json"))).contains("\"classShareMax\" : 0.5", "\"driftMethod\" : \"linf\"");

    code = run("monitor", "run-once", "--config", config(base.toString()).toString(), "--endpoint", "signs",
        "--window", "2026-11-22T10:00:00Z/PT1H", "--dry-run");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("VIOLATION class_distribution_drift").contains("VIOLATION class_share_exceeded")
        .contains("baseline 0.2500");
  }

  @Test
  void balancedWindowFromTheBaselineWindowHasNoViolation() throws Exception {
    Path base = dir.resolve("b2");
    assertThat(run("baseline", "-c", config(null).toString(), "-e", "signs", "-w", "2026-11-22T12:00:00Z/PT1H", "-o", base.toString()))
        .as(err.toString()).isZero();
    assertThat(run("monitor", "run-once", "-c", config(base.toString()).toString(), "-e", "signs", "-w",
        "2026-11-22T12:00:00Z/PT1H", "--dry-run")).isZero();
    assertThat(out.toString()).contains("no violations");
  }

  @Test
  void badWindowOrEndpointIsAUsageErrorSayingWhatToWrite() throws Exception {
    assertThat(run("monitor", "run-once", "-c", config(null).toString(), "-e", "signs", "-w", "yesterday")).isEqualTo(2);
    assertThat(err.toString()).contains("START/DURATION", "2026-11-22T10:00:00Z/PT1H");
    assertThat(run("monitor", "run-once", "-c", config(null).toString(), "-e", "nope", "-w", "2026-11-22T10:00:00Z/PT1H")).isEqualTo(2);
    assertThat(err.toString()).contains("no endpoint named 'nope'");
  }

  @Test
  void schedulerRunsTheJobOnEveryFireWritesReportsAndServesMetrics() throws Exception {
    Path file = Files.writeString(dir.resolve("sched.yaml"), Files.readString(config(null)).replace("  minRecords: 100\n",
        "  minRecords: 100\n  schedule: \"* * * * * ?\"\n  window: {start: -PT1S, end: -PT0S}\n  admin: {host: 127.0.0.1, port: 0}\n"));
    MonitorCommand command = new MonitorCommand();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread t = new Thread(() -> code.set(cli.execute("--config", file.toString())));
    t.start();
    try {
      eventually(() -> out.toString().contains("/metrics"));
      String banner = out.toString();
      java.util.regex.Matcher port = java.util.regex.Pattern.compile("http://127.0.0.1:(\\d+)/metrics").matcher(banner);
      assertThat(port.find()).as(banner).isTrue();
      assertThat(banner).contains("schedule '* * * * * ?'", "job store memory");
      // Each fire checks the second before it: an empty window, reported as insufficient_data.
      eventually(() ->
          s3.listObjectsV2(b -> b.bucket(stack.s3Bucket()).prefix("capture/reports/signs/" + java.time.Year.now(java.time.ZoneOffset.UTC)))
              .contents().stream().filter(o -> o.key().endsWith("/report.json")).count() >= 2);
      String metrics = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("vigil_monitor_runs_total{endpoint=\"signs\",outcome=\"ok\"}")
          .contains("vigil_monitor_violations{endpoint=\"signs\",type=\"insufficient_data\"} 1.0");
    } finally {
      command.stop();
      t.join(30_000);
    }
    assertThat(code.get()).as(err.toString()).isZero();
  }

  /** Polls {@code condition} every 200 ms for up to 60 s (deploy's tests have no Awaitility). */
  private static void eventually(java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(200);
    }
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(run("monitor", "--help")).isZero();
    assertThat(run("monitor", "run-once", "--help")).isZero();
    assertThat(run("baseline", "--help")).isZero();
    assertThat(out.toString()).contains("--window", "--from", "--dry-run");
  }
}
