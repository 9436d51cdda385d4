package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureLineReaderTest {
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  private final CaptureLineReader reader = new CaptureLineReader();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsWhatTheCodecReadsExceptTheInputBody() throws Exception {
    CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", "INPUT", new byte[] {1, 2, 3, 4}),
        CapturedBody.text("application/json", "OUTPUT", "{\"predictions\": [[0.1, 0.9]]}"),
        "ev-1", Instant.parse("2026-11-22T10:00:00.123Z"), "inf-9", "0", new VigilMetadata("signs", "v1", 1234, 200, true));
    byte[] line = codec.toJsonLine(r);
    CaptureRecord fast = reader.read(line, 0, line.length);
    CaptureRecord full = codec.parse(line);
    assertThat(fast.endpointInput()).isNull();
    assertThat(fast).usingRecursiveComparison().ignoringFields("endpointInput").isEqualTo(full);
  }

  @Test
  void readsSageMakerLinesWithoutVigilObjectAndWithOffsets() throws Exception {
    String line = "{\"captureData\":{\"endpointInput\":{\"observedContentType\":\"text/csv\",\"mode\":\"INPUT\",\"data\":\"1,2\",\"encoding\":\"CSV\"},"
        + "\"endpointOutput\":{\"observedContentType\":\"application/json\",\"mode\":\"OUTPUT\",\"data\":\"[0.2,0.8]\",\"encoding\":\"JSON\"}},"
        + "\"eventMetadata\":{\"eventId\":\"a1\",\"inferenceTime\":\"2026-11-22T10:00:00+00:00\"},\"eventVersion\":\"0\",\"extra\":[1,{\"x\":2}]}";
    byte[] padded = b("xx" + line + "yy");
    CaptureRecord fast = reader.read(padded, 2, line.length());
    assertThat(fast.vigil()).isNull();
    assertThat(fast.inferenceTime()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(fast.endpointOutput().data()).isEqualTo("[0.2,0.8]");
    assertThat(fast).usingRecursiveComparison().ignoringFields("endpointInput").isEqualTo(codec.parse(b(line)));
  }

  @Test
  void failsWithTheCodecsReasonForEveryBrokenLine() {
    String ok = "{\"captureData\":{},\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}";
    List<String> broken = List.of(
        "not json",
        "[1,2]",
        ok.substring(0, 40),
        ok + " trailing",
        "{\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}",
        "{\"captureData\":{},\"eventMetadata\":{\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}",
        "{\"captureData\":{},\"eventMetadata\":{\"eventId\":7,\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}",
        "{\"captureData\":{},\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"yesterday\"}}",
        "{\"captureData\":{\"endpointOutput\":{\"mode\":\"OUTPUT\",\"data\":\"x\",\"encoding\":\"ZIP\"}},\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}",
        "{\"captureData\":{},\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"2026-11-22T10:00:00Z\"},\"vigil\":{\"endpoint\":\"e\",\"latencyMicros\":1,\"status\":\"200\"}}",
        "   ");
    for (String line : broken) {
      MalformedCaptureException expected = null;
      try {
        codec.parse(b(line));
      } catch (MalformedCaptureException e) {
        expected = e;
      }
      assertThat(expected).as("codec rejects %s", line).isNotNull();
      MalformedCaptureException want = expected;
      assertThatThrownBy(() -> reader.read(b(line), 0, line.length()))
          .as(line)
          .isInstanceOfSatisfying(MalformedCaptureException.class, e -> {
            assertThat(e.reason()).isEqualTo(want.reason());
            assertThat(e.truncated()).isEqualTo(want.truncated());
          });
    }
    assertThat(catchReader(ok.substring(0, 40)).truncated()).isTrue();
    assertThat(catchReader("not json").truncated()).isFalse();
  }

  private MalformedCaptureException catchReader(String line) {
    try {
      reader.read(b(line), 0, line.length());
    } catch (MalformedCaptureException e) {
      return e;
    }
    throw new AssertionError("accepted " + line);
  }

  @Test
  void fastTimestampPathAgreesWithInstantParse() {
    for (String t : List.of("2026-11-22T10:00:00Z", "2026-11-22T10:00:00.1Z", "2026-11-22T10:00:00.123Z",
        "2024-02-29T23:59:59.999999999Z", "1999-12-31T00:00:00.000001Z")) {
      assertThat(InferenceTime.utc(t)).as(t).isEqualTo(Instant.parse(t));
    }
    for (String t : List.of("2026-11-22T10:00:00+00:00", "2026-02-30T10:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T10:00:00.Z", "2026-11-22 10:00:00Z", "2026-11-22T10:00Z")) {
      assertThat(InferenceTime.utc(t)).as(t).isNull();
    }
  }

  @Test
  void readsBackWhatTheWriterWroteLineByLine() throws Exception {
    CaptureLineWriter writer = new CaptureLineWriter();
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<CaptureRecord> written = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] output = ("{\"predictions\": [[0." + i + ", 0.5]]}").getBytes(StandardCharsets.UTF_8);
      VigilMetadata vigil = new VigilMetadata("signs", "v1", 1000 + i, i % 10 == 0 ? 503 : 200, i % 7 == 0);
      Instant time = Instant.parse("2026-11-22T10:00:00Z").plusMillis(37L * i);
      file.writeBytes(writer.toJsonLine(RawBody.of("image/png", CapturedBody.INPUT, new byte[64 * i], false),
          RawBody.of("application/json", CapturedBody.OUTPUT, output, true), "ev-" + i, time, null, vigil));
      file.write('\n');
      written.add(new CaptureRecord(null, CapturedBody.text("application/json", CapturedBody.OUTPUT,
          new String(output, StandardCharsets.UTF_8)), "ev-" + i, time, null, CaptureRecord.EVENT_VERSION, vigil));
    }
    List<CaptureRecord> read = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    JsonLines.forEachLine(new ByteArrayInputStream(file.toByteArray()), (buf, off, len, n) -> {
      try {
        read.add(reader.read(buf, off, len));
      } catch (MalformedCaptureException e) {
        throw new AssertionError(e);
      }
      numbers.add(n);
    });
    assertThat(read).containsExactlyElementsOf(written);
    assertThat(numbers).first().isEqualTo(1L);
    assertThat(numbers).last().isEqualTo(200L);
  }
}
