package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil inspect --from}: the SageMaker PyTorch window (a uint8 {@code .npy} image in,
 * {@code [[14]]} out, as SageMaker data capture stores it: BASE64 input, JSON output) plus
 * TorchServe answers naming labels the config has no file for.
 */
class InspectCommandTest {
  private static final CaptureRecordCodec CODEC = new CaptureRecordCodec();
  @TempDir Path dir;

  /** {@code np.save} of a uint8 8 x 8 x 3 image. */
  private static byte[] npyImage() {
    String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (8, 8, 3), }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + header.length + 8 * 8 * 3).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
    return b.array();
  }

  private Path captures() throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < 12; i++) {
      boolean torchServe = i >= 10;
      CaptureRecord r = new CaptureRecord(
          torchServe ? CapturedBody.base64("image/png", "INPUT", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2})
              : CapturedBody.base64("application/x-npy", "INPUT", npyImage()),
          CapturedBody.text("application/json", "OUTPUT", torchServe ? "{\"tabby\": 0.47, \"tiger_cat\": 0.46}" : "[[14]]"),
          String.format("ev-%02d", i), Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i), null, "0", null);
      o.writeBytes(CODEC.toJsonLine(r));
      o.write('\n');
    }
    return Files.write(dir.resolve("capture.jsonl"), o.toByteArray());
  }

  @Test
  void printsFormatsExamplesPossibleChecksAndASnippetPerContentType() throws Exception {
    Path config = Files.writeString(dir.resolve("vigil.yaml"), """
        endpoints:
          - name: traffic-signs
            output: {format: probabilities}
        sinks:
          kafka: {enabled: false}
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TestCli.capturing(out, err).execute("inspect", "--config", config.toString(),
        "--endpoint", "traffic-signs", "--from", captures().toString());

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).contains(
        "12 records of traffic-signs sampled",
        "request content type application/x-npy: 10 records",
        "npy(|u1) HWC", "json/class-index",
        "320 bytes of binary, starts 93 4E 55 4D 50 59", // abbreviated examples, never the whole body
        "request content type image/png: 2 records",
        "unreadable: label not in the labels file",
        "json/class-index: no confidence: class share and drift are possible; low_confidence and confidence_drop are not",
        "format: auto", "labels: labels.txt", "width: 224");
    assertThat(text.lines().filter(l -> l.contains("in:  ")).count()).isEqualTo(5); // 3 + 2 examples
  }
}
