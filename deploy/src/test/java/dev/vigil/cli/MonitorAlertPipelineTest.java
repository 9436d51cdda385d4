package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.cli.support.CommandRunner;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.stack.EmbeddedStack;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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

/**
 * design.md's flow through the real servers, from the command a user runs: captured PNGs in S3 →
 * {@code vigil monitor run-once} finds the over-predicted class → the flagged inputs are replayed
 * through FullGrad on ONNX Runtime → the alert email with heatmaps arrives over SMTP.
 */
class MonitorAlertPipelineTest {
  private static final CaptureRecordCodec CODEC = new CaptureRecordCodec();
  private static final Instant HOUR = Instant.parse("2026-11-22T10:00:00Z");
  private static final int CLASSES = 5;
  private static EmbeddedStack stack;
  private static S3Client s3;
  @TempDir static Path shared;
  private static Path model;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() throws Exception {
    // ORT's native start-up needs a big stack (see SaliencyCommand).
    Thread t = new Thread(null, OrtEnvironment::getEnvironment, "ort-init", 64L << 20);
    t.start();
    t.join();
    model = Files.write(shared.resolve("tiny.onnx"), SaliencyCommandTest.tinyCnn("Relu").toByteArray());
    stack = EmbeddedStack.builder().build().start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    // Class 2 in 168 of 200 predictions (160, then every 5th of the rest); every input a real PNG.
    s3.putObject(b -> b.bucket(stack.s3Bucket()).key(CaptureLayout.objectKey("capture", "signs", "v1", HOUR, UUID.randomUUID())),
        RequestBody.fromBytes(window(200)));
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

  private static byte[] window(int n) throws Exception {
    Random rng = new Random(3);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      int cls = i < 160 ? 2 : i % CLASSES;
      StringBuilder probabilities = new StringBuilder("[");
      double top = 0.55 + 0.4 * rng.nextDouble();
      for (int c = 0; c < CLASSES; c++) {
        double p = c == cls ? top : (1 - top) / (CLASSES - 1);
        probabilities.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", p));
      }
      CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", "INPUT", png(rng)),
          CapturedBody.text("application/json", "OUTPUT", probabilities.append(']').toString()),
          "ev-" + i, HOUR.plusSeconds(i * 10L), null, "0", new VigilMetadata("signs", "v1", 100, 200, false));
      o.writeBytes(CODEC.toJsonLine(r));
      o.write('\n');
    }
    return o.toByteArray();
  }

  private static byte[] png(Random rng) throws Exception {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)));
    g.fillRect(0, 0, 32, 32);
    g.setColor(Color.RED);
    g.fillOval(4 + rng.nextInt(12), 4 + rng.nextInt(12), 14, 14);
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return png.toByteArray();
  }

  private Path config() throws Exception {
    return config(dir.resolve("outbox"));
  }

  private Path config(Path outbox) throws Exception {
    return Files.writeString(dir.resolve("vigil.yaml"), """
        endpoints:
          - name: signs
            variant: v1
            upstream: http://127.0.0.1:8080
            output: {format: probabilities}
            preprocessing: {width: 16, height: 16, mean: [0, 0, 0], std: [1, 1, 1]}
        sinks:
          kafka: {bootstrapServers: "%s"}
          s3: {bucket: %s, prefix: capture, endpointOverride: "%s", pathStyle: true, accessKeyId: "%s", secretAccessKey: "%s"}
        monitor:
          minRecords: 100
        saliency:
          model: %s
          batchSize: 4
          samplesPerViolation: 3
        alerts:
          smtp: {host: 127.0.0.1, port: %d, tls: none}
          from: vigil@localhost
          recipients: [ml-oncall@example.com]
          outbox: %s
        """.formatted(stack.kafkaBootstrapServers(), stack.s3Bucket(), stack.s3Endpoint(), stack.s3AccessKey(),
        stack.s3SecretKey(), model, stack.smtpPort(), outbox));
  }

  private int run(String... args) {
    CommandLine cli = CommandRunner.commandLine(new MonitorCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void runOnceReplaysFlaggedInputsAndEmailsTheHeatmaps() throws Exception {
    Path reports = dir.resolve("reports");
    int code = run("run-once", "--config", config().toString(), "--endpoint", "signs",
        "--window", "2026-11-22T10:00:00Z/PT1H", "--reports-dir", reports.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("VIOLATION class_share_exceeded").contains("value 0.8400");
    assertThat(err.toString()).contains("alerts: delivered");

    // The email: the worst violation in the subject, heatmap PNGs attached.
    List<MimeMessage> received = stack.receivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received.get(0);
    assertThat(mail.getSubject()).startsWith("[Vigil] signs:").contains("84.0%");
    List<byte[]> pngAttachments = new ArrayList<>();
    collectAttachments(mail, pngAttachments);
    assertThat(pngAttachments).hasSizeGreaterThanOrEqualTo(3);
    for (byte[] png : pngAttachments) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isPositive();
    }

    // The replay's index next to the window's report in S3, and report.html locally.
    String folder = "capture/reports/signs/2026/11/22/10/20261122T100000Z_20261122T110000Z/";
    String index = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(folder + "saliency/index.json")).asUtf8String();
    assertThat(index).contains("\"eventId\"").contains("ev-");
    try (Stream<Path> files = Files.walk(reports)) {
      assertThat(files.anyMatch(p -> p.getFileName().toString().equals("report.html"))).isTrue();
    }

    // Memory job store: the alert state is shared in the bucket, not in the outbox's dedup.json,
    // so a second replica (its own outbox) judging the same window sends nothing.
    assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key("capture/alert-state/ledger/signs.json"))
        .asUtf8String()).contains("\"endpoint\":\"signs\"");
    assertThat(dir.resolve("outbox").resolve("dedup.json")).doesNotExist();
    int again = run("run-once", "--config", config(dir.resolve("outbox-replica-b")).toString(), "--endpoint", "signs",
        "--window", "2026-11-22T10:00:00Z/PT1H", "--reports-dir", dir.resolve("reports-b").toString());
    assertThat(again).as(err.toString()).isZero();
    assertThat(stack.receivedMessages()).as("one e-mail per incident, whichever replica judges").hasSize(1);
  }

  private static void collectAttachments(Part part, List<byte[]> pngs) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart mp = (Multipart) part.getContent();
      for (int i = 0; i < mp.getCount(); i++) {
        collectAttachments(mp.getBodyPart(i), pngs);
      }
    } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) && part.isMimeType("image/png")) {
      pngs.add(((BodyPart) part).getInputStream().readAllBytes());
    }
  }
}
