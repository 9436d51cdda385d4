package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CaptureLineWriterTest {
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  private final CaptureLineWriter writer = new CaptureLineWriter();
  private static final VigilMetadata VIGIL = new VigilMetadata("traffic-signs", "v1", 1234, 200, true);

  private static CaptureRecord record(CapturedBody in, CapturedBody out) {
    return new CaptureRecord(in, out, "6f1c2a7e-0000-4000-8000-000000000001",
        Instant.parse("2026-11-22T11:00:00.5Z"), "inf-\"1\"", CaptureRecord.EVENT_VERSION, VIGIL);
  }

  private byte[] raw(RawBody in, RawBody out) {
    return writer.toJsonLine(in, out, "6f1c2a7e-0000-4000-8000-000000000001",
        Instant.parse("2026-11-22T11:00:00.5Z"), "inf-\"1\"", VIGIL);
  }

  @Test
  void writesTheSameBytesFromRawBodiesAsFromStrings() throws Exception {
    Random rnd = new Random(3);
    for (int size : new int[] {0, 1, 2, 3, 4, 100, 5000, 70_000}) {
      byte[] png = new byte[size];
      rnd.nextBytes(png);
      String text = "{\"a\":\"x\\ty\",\n\"b\":\"\u00e9\u4e2d\ud83d\ude00\u0001\u001f\u007f/\"}" + "z".repeat(size);
      byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
      byte[] fromStrings = codec.toJsonLine(record(
          CapturedBody.base64("image/png", CapturedBody.INPUT, png),
          // text/plain: raw control bytes make a JSON-typed body BASE64 (it is not pure JSON)
          CapturedBody.text("text/plain", CapturedBody.OUTPUT, text)));
      byte[] fromBytes = raw(
          RawBody.of("image/png", CapturedBody.INPUT, png, false),
          RawBody.of("text/plain", CapturedBody.OUTPUT, textBytes, true));
      assertThat(fromBytes).as("size %d", size).isEqualTo(fromStrings);
      CaptureRecord back = codec.parse(fromBytes);
      assertThat(back.endpointInput().bytes()).isEqualTo(png);
      assertThat(back.endpointOutput().data()).isEqualTo(text);
    }
  }

  @Test
  void escapesTextExactlyAsJacksonDoesAtEveryPosition() throws Exception {
    String alphabet = "ab\"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f \u00e9\u4e2d\ud83d\ude00{}[]:,";
    Random rnd = new Random(17);
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder();
      int n = rnd.nextInt(40);
      for (int k = 0; k < n; k++) {
        int at = rnd.nextInt(alphabet.length());
        if (Character.isSurrogate(alphabet.charAt(at))) {
          b.append("\ud83d\ude00");
        } else {
          b.append(rnd.nextInt(3) == 0 ? alphabet.charAt(at) : 'x');
        }
      }
      String text = b.toString();
      byte[] expected = codec.toJsonLine(record(null, CapturedBody.text("text/plain", CapturedBody.OUTPUT, text)));
      byte[] actual = raw(null, RawBody.of("text/plain", CapturedBody.OUTPUT, text.getBytes(StandardCharsets.UTF_8), true));
      assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
      assertThat(codec.parse(actual).endpointOutput().data()).isEqualTo(text);
    }
  }

  @Test
  void reusesItsBuffersAcrossLargeAndSmallRecords() throws Exception {
    byte[] big = new byte[3 * CaptureLineWriter.KEEP_BYTES];
    new Random(5).nextBytes(big);
    byte[] small = "[0.1,0.9]".getBytes(StandardCharsets.UTF_8);
    for (byte[] body : new byte[][] {small, big, small, big}) {
      RawBody in = RawBody.of("image/png", CapturedBody.INPUT, body, false);
      RawBody out = RawBody.of("application/json", CapturedBody.OUTPUT, small, true);
      CaptureRecord back = codec.parse(raw(in, out));
      assertThat(back.endpointInput().bytes()).isEqualTo(body);
      assertThat(back.endpointOutput().data()).isEqualTo("[0.1,0.9]");
      assertThat(back.endpointOutput().encoding()).isEqualTo(CapturedBody.JSON);
    }
  }

  @Test
  void omitsAbsentBodiesAndInferenceId() throws Exception {
    byte[] line = writer.toJsonLine(null, RawBody.of("text/csv", CapturedBody.OUTPUT, "1,2".getBytes(StandardCharsets.UTF_8), true),
        "e2", Instant.parse("2026-01-01T00:00:00Z"), null, VIGIL);
    String s = new String(line, StandardCharsets.UTF_8);
    assertThat(s).doesNotContain("endpointInput", "inferenceId").contains("\"encoding\":\"CSV\"");
    assertThat(codec.parse(line).endpointOutput().data()).isEqualTo("1,2");
  }

  @Test
  void namesWithheldBodiesAndBothReadersReadThemBack() throws Exception {
    VigilMetadata v = new VigilMetadata("traffic-signs", "v1", 1234, 200, false, java.util.List.of(CapturedBody.INPUT));
    byte[] line = writer.toJsonLine(null, RawBody.of("application/json", CapturedBody.OUTPUT,
        "{\"p\":[1]}".getBytes(StandardCharsets.UTF_8), true), "6f1c2a7e-0000-4000-8000-000000000001",
        Instant.parse("2026-11-22T11:00:00.5Z"), null, v);
    assertThat(new String(line, StandardCharsets.UTF_8)).contains("\"withheld\":[\"INPUT\"]");
    assertThat(codec.parse(line).vigil()).isEqualTo(v);
    assertThat(new CaptureLineReader().read(line, 0, line.length).vigil()).isEqualTo(v);
    // nothing withheld: the field is left out, and old lines read back with an empty list
    byte[] plain = raw(null, null);
    assertThat(new String(plain, StandardCharsets.UTF_8)).doesNotContain("withheld");
    assertThat(codec.parse(plain).vigil().withheld()).isEmpty();
  }
}
