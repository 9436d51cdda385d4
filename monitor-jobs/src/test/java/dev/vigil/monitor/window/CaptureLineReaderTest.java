package dev.vigil.monitor.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.monitor.stats.UnusableReason;
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
            assertThat(Lines.reasonOf(e)).isEqualTo(Lines.reasonOf(want));
          });
    }
    assertThat(Lines.reasonOf(catchReader(ok.substring(0, 40)))).isEqualTo(UnusableReason.TRUNCATED_OBJECT);
    assertThat(Lines.reasonOf(catchReader("not json"))).isEqualTo(UnusableReason.CORRUPT_LINE);
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
      assertThat(CaptureLineReader.utc(t)).as(t).isEqualTo(Instant.parse(t));
    }
    for (String t : List.of("2026-11-22T10:00:00+00:00", "2026-02-30T10:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T10:00:00.Z", "2026-11-22 10:00:00Z", "2026-11-22T10:00Z")) {
      assertThat(CaptureLineReader.utc(t)).as(t).isNull();
    }
  }

  @Test
  void splitsLinesAcrossChunkBoundariesAndKeepsALastLineWithoutNewline() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String s = "line-" + i + "-" + "x".repeat(i * 9973 % 300_000);
      written.add(s);
      out.writeBytes(b(s));
      out.write(i % 7 == 0 ? '\n' : '\n');
      if (i % 10 == 0) {
        out.write('\n'); // blank lines are skipped but counted
      }
    }
    out.writeBytes(b("last"));
    written.add("last");
    List<String> read = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    Lines.forEachLine(new ByteArrayInputStream(out.toByteArray()), (buf, off, len, n) -> {
      read.add(new String(buf, off, len, StandardCharsets.UTF_8));
      numbers.add(n);
    });
    assertThat(read).containsExactlyElementsOf(written);
    assertThat(numbers.get(1)).isEqualTo(3); // line 2 is the blank one after line-0
    assertThat(numbers.get(numbers.size() - 1)).isEqualTo(56);
  }
}
