package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CaptureRecordCodecTest {
  private final CaptureRecordCodec codec = new CaptureRecordCodec();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesTheDesignShapeWithFieldsInOrder() {
    CaptureRecord r =
        new CaptureRecord(
            CapturedBody.base64("image/png", CapturedBody.INPUT, new byte[] {1, 2, 3}),
            CapturedBody.text("application/json", CapturedBody.OUTPUT, "{\"p\":[0.1,0.9]}"),
            "6f1c2a7e-0000-4000-8000-000000000001",
            Instant.parse("2026-11-22T11:00:00Z"),
            "inf-1",
            "0",
            new VigilMetadata("traffic-signs", "v1", 1234, 200, false));
    String line = new String(codec.toJsonLine(r), StandardCharsets.UTF_8);
    assertThat(line)
        .isEqualTo(
            "{\"captureData\":{"
                + "\"endpointInput\":{\"observedContentType\":\"image/png\",\"mode\":\"INPUT\",\"data\":\"AQID\",\"encoding\":\"BASE64\"},"
                + "\"endpointOutput\":{\"observedContentType\":\"application/json\",\"mode\":\"OUTPUT\",\"data\":\"{\\\"p\\\":[0.1,0.9]}\",\"encoding\":\"JSON\"}},"
                + "\"eventMetadata\":{\"eventId\":\"6f1c2a7e-0000-4000-8000-000000000001\",\"inferenceTime\":\"2026-11-22T11:00:00Z\",\"inferenceId\":\"inf-1\"},"
                + "\"eventVersion\":\"0\","
                + "\"vigil\":{\"endpoint\":\"traffic-signs\",\"variant\":\"v1\",\"latencyMicros\":1234,\"status\":200,\"truncated\":false}}");
  }

  @Test
  void roundTripsEveryFieldIncludingBinaryAndNewlines() throws Exception {
    byte[] png = new byte[5000];
    new Random(7).nextBytes(png);
    CaptureRecord r =
        new CaptureRecord(
            CapturedBody.base64("image/png", CapturedBody.INPUT, png),
            CapturedBody.text("text/csv", CapturedBody.OUTPUT, "a,b\n1,\"x\ty\"\n\u00e9\u4e2d"),
            "e1",
            Instant.parse("2026-11-22T11:00:00.123456Z"),
            null,
            "0",
            new VigilMetadata("ep", "default", 99, 502, true));
    byte[] line = codec.toJsonLine(r);
    assertThat(new String(line, StandardCharsets.UTF_8)).doesNotContain("\n");
    CaptureRecord back = codec.parse(line);
    assertThat(back).isEqualTo(r);
    assertThat(back.endpointInput().bytes()).isEqualTo(png);
    assertThat(back.endpointOutput().encoding()).isEqualTo(CapturedBody.CSV);
  }

  @Test
  void omitsAbsentBodiesAndVigil() throws Exception {
    CaptureRecord r =
        new CaptureRecord(
            null,
            CapturedBody.text("application/json", CapturedBody.OUTPUT, "[1]"),
            "e2",
            Instant.parse("2026-01-01T00:00:00Z"),
            null,
            "0",
            null);
    String line = new String(codec.toJsonLine(r), StandardCharsets.UTF_8);
    assertThat(line).doesNotContain("endpointInput", "vigil", "inferenceId");
    assertThat(codec.parse(utf8(line + "\n"))).isEqualTo(r);
  }

  @Test
  void parsesSageMakerLinesWithoutVigilObject() throws Exception {
    String sm =
        "{\"captureData\":{\"endpointInput\":{\"observedContentType\":\"text/csv\",\"mode\":\"INPUT\","
            + "\"data\":\"1,2,3\",\"encoding\":\"CSV\"},\"endpointOutput\":{\"observedContentType\":\"text/csv; charset=utf-8\","
            + "\"mode\":\"OUTPUT\",\"data\":\"0.97\",\"encoding\":\"CSV\"}},\"eventMetadata\":{\"eventId\":"
            + "\"a1b2\",\"inferenceTime\":\"2022-02-14T12:01:02Z\",\"inferenceId\":\"x\",\"customAttributes\":\"c\"},"
            + "\"eventVersion\":\"0\"}";
    CaptureRecord r = codec.parse(utf8(sm));
    assertThat(r.vigil()).isNull();
    assertThat(r.inferenceId()).isEqualTo("x");
    assertThat(r.endpointInput().bytes()).isEqualTo(utf8("1,2,3"));
    assertThat(r.endpointOutput().data()).isEqualTo("0.97");
    assertThat(r.inferenceTime()).isEqualTo(Instant.parse("2022-02-14T12:01:02Z"));
  }

  @Test
  void acceptsOffsetTimestampsAndWrappedBase64() throws Exception {
    String line =
        "{\"captureData\":{\"endpointInput\":{\"mode\":\"INPUT\",\"data\":\"AQID\\r\\nBAU=\",\"encoding\":\"BASE64\"}},"
            + "\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"2022-02-14T13:01:02+01:00\"}}";
    CaptureRecord r = codec.parse(utf8(line));
    assertThat(r.inferenceTime()).isEqualTo(Instant.parse("2022-02-14T12:01:02Z"));
    assertThat(r.endpointInput().bytes()).containsExactly(1, 2, 3, 4, 5);
    assertThat(r.eventVersion()).isEqualTo("0");
  }

  @Test
  void rejectsInvalidJsonWithMalformedJson() {
    assertReason("{\"captureData\":", MalformedCaptureException.Reason.MALFORMED_JSON, null);
    assertReason("[1,2]", MalformedCaptureException.Reason.MALFORMED_JSON, null);
    assertReason("{} {}", MalformedCaptureException.Reason.MALFORMED_JSON, null);
    assertReason("   \n", MalformedCaptureException.Reason.EMPTY_LINE, null);
  }

  @Test
  void rejectsMissingRequiredFieldsNamingThem() {
    assertReason(
        "{\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"2022-02-14T12:01:02Z\"}}",
        MalformedCaptureException.Reason.MISSING_FIELD,
        "captureData");
    assertReason(
        "{\"captureData\":{},\"eventMetadata\":{\"inferenceTime\":\"2022-02-14T12:01:02Z\"}}",
        MalformedCaptureException.Reason.MISSING_FIELD,
        "eventMetadata.eventId");
    assertReason(
        "{\"captureData\":{\"endpointOutput\":{\"mode\":\"OUTPUT\",\"encoding\":\"JSON\"}},"
            + "\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"2022-02-14T12:01:02Z\"}}",
        MalformedCaptureException.Reason.MISSING_FIELD,
        "captureData.endpointOutput.data");
  }

  @Test
  void rejectsBadBase64WrongTypesUnknownEncodingAndBadTime() {
    String meta = ",\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"2022-02-14T12:01:02Z\"}}";
    assertReason(
        "{\"captureData\":{\"endpointInput\":{\"mode\":\"INPUT\",\"data\":\"@@@\",\"encoding\":\"BASE64\"}}" + meta,
        MalformedCaptureException.Reason.BAD_BASE64,
        "captureData.endpointInput.data");
    assertReason(
        "{\"captureData\":{\"endpointInput\":{\"mode\":\"INPUT\",\"data\":5,\"encoding\":\"JSON\"}}" + meta,
        MalformedCaptureException.Reason.WRONG_TYPE,
        "captureData.endpointInput.data");
    assertReason(
        "{\"captureData\":{\"endpointInput\":{\"mode\":\"INPUT\",\"data\":\"x\",\"encoding\":\"GZIP\"}}" + meta,
        MalformedCaptureException.Reason.UNKNOWN_ENCODING,
        "captureData.endpointInput.encoding");
    assertReason(
        "{\"captureData\":{},\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"yesterday\"}}",
        MalformedCaptureException.Reason.BAD_TIMESTAMP,
        "eventMetadata.inferenceTime");
    assertReason(
        "{\"captureData\":{}" + meta.substring(0, meta.length() - 1) + ",\"vigil\":{\"endpoint\":\"a\",\"latencyMicros\":\"1\",\"status\":200}}",
        MalformedCaptureException.Reason.WRONG_TYPE,
        "vigil.latencyMicros");
  }

  private void assertReason(String line, MalformedCaptureException.Reason reason, String field) {
    assertThatThrownBy(() -> codec.parse(utf8(line)))
        .isInstanceOfSatisfying(
            MalformedCaptureException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).startsWith(reason.code());
            });
  }
}
