package dev.vigil.capture.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.capture.sampling.CapturePolicy;
import dev.vigil.capture.sampling.ContentTypes;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.capture.sampling.Sampler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  private final RecordEncoder encoder = new RecordEncoder();

  private static CapturePolicy policy(List<String> redact) {
    return new CapturePolicy("signs", "v1", new Sampler(100), "X-Request-Id", CaptureMode.InputAndOutput,
        new ContentTypes(List.of("application/json", "text/csv")), "X-Inference-Id", 1 << 20,
        new Redactor(redact, redact.isEmpty() ? List.of() : List.of(KEY)), true);
  }

  /** The HMAC key of these tests; the expected hashes were computed with Python's hmac module. */
  static final Redactor.Key KEY = new Redactor.Key("k2", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  /** hmac.new(b"0123456789abcdef0123456789abcdef", b"ann@example.com", hashlib.sha256).hexdigest() */
  static final String ANN_HASH = "hmac-sha256:k2:093e3dd9df951c5008225d533a0175475075f7551ed269c5e61fa29bc2819ae4";

  private static String stored(RecordEncoder.Result r, boolean input) throws Exception {
    CaptureRecord back = new CaptureRecordCodec().parse(r.entry().line());
    var body = input ? back.endpointInput() : back.endpointOutput();
    return body == null ? null : new String(body.bytes(), StandardCharsets.UTF_8);
  }

  private static SampledExchange exchange(CapturePolicy p, String reqType, byte[] req, String respType, byte[] resp, boolean truncated) {
    return new SampledExchange(p, UUID.randomUUID(), Instant.parse("2026-11-22T11:00:00Z"), "inf-7",
        reqType, req, truncated, respType, resp, false, 200, 1500, 0);
  }

  @Test
  void storesJsonAsTextAndImagesAsBase64() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
    byte[] json = "{\"probabilities\":[0.1,0.9]}".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of()), "image/png", png, "application/json; charset=utf-8", json, false));
    CaptureRecord back = codec.parse(r.entry().line());
    assertThat(back.endpointInput().encoding()).isEqualTo("BASE64");
    assertThat(back.endpointInput().bytes()).isEqualTo(png);
    assertThat(back.endpointOutput().encoding()).isEqualTo("JSON");
    assertThat(back.endpointOutput().data()).isEqualTo("{\"probabilities\":[0.1,0.9]}");
    assertThat(back.inferenceId()).isEqualTo("inf-7");
    assertThat(back.vigil().endpoint()).isEqualTo("signs");
    assertThat(back.vigil().latencyMicros()).isEqualTo(1500);
    assertThat(r.entry().eventId()).isEqualTo(back.eventId());
  }

  @Test
  void invalidUtf8InATextBodyFallsBackToBase64() throws Exception {
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of()), "application/json", bad, "text/csv", "1,2".getBytes(StandardCharsets.UTF_8), false));
    CaptureRecord back = codec.parse(r.entry().line());
    assertThat(back.endpointInput().encoding()).isEqualTo("BASE64");
    assertThat(back.endpointInput().bytes()).isEqualTo(bad);
    assertThat(back.endpointOutput().encoding()).isEqualTo("CSV");
  }

  @Test
  void redactsJsonPointersWithAnHmacUnderTheNewestKey() throws Exception {
    byte[] json = "{\"user\":{\"email\":\"ann@example.com\",\"age\":41},\"items\":[\"a\",\"secret\"],\"x\":1}".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of("/user/email", "/items/1", "/absent/path")), "application/json", json, null, null, false));
    String data = codec.parse(r.entry().line()).endpointInput().data();
    assertThat(data).doesNotContain("ann@example.com", "secret");
    assertThat(data).contains("\"email\":\"" + ANN_HASH + "\"", "\"age\":41", "\"x\":1", "\"a\"");
    // same value, same hash: redacted fields stay joinable
    RecordEncoder.Result again = encoder.encode(exchange(policy(List.of("/user/email")), "application/json", json, null, null, false));
    assertThat(codec.parse(again.entry().line()).endpointInput().data()).contains(ANN_HASH);
  }

  @Test
  void withholdsAJsonBodyThatCannotBeRedacted() throws Exception {
    byte[] truncated = "{\"user\":{\"email\":\"ann@exa".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of("/user/email")), "application/json", truncated, null, null, true));
    CaptureRecord back = codec.parse(r.entry().line());
    assertThat(back.endpointInput()).isNull();
    assertThat(back.vigil().withheld()).containsExactly("INPUT");
    assertThat(r.redactionFailures()).isEqualTo(1);
    assertThat(back.vigil().truncated()).isTrue();
    assertThat(new String(r.entry().line(), StandardCharsets.UTF_8)).doesNotContain("ann@");
  }

  @Test
  void entrySurvivesSpoolSerialization() throws Exception {
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of()), "text/csv", "1,2".getBytes(StandardCharsets.UTF_8), null, null, false));
    CaptureEntry back = CaptureEntry.deserialize(r.entry().serialize());
    assertThat(back.endpoint()).isEqualTo("signs");
    assertThat(back.variant()).isEqualTo("v1");
    assertThat(back.eventId()).isEqualTo(r.entry().eventId());
    assertThat(back.inferenceTimeMillis()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z").toEpochMilli());
    assertThat(back.line()).isEqualTo(r.entry().line());
  }

  @Test
  void bodyCaptureTruncatesAtTheLimitAndGivesUpWhenTheBudgetIsExhausted() {
    ByteBudget budget = new ByteBudget(100_000);
    BodyCapture c = new BodyCapture(budget, 10_000, -1);
    c.append(io.netty.buffer.Unpooled.wrappedBuffer(new byte[6_000]));
    c.append(io.netty.buffer.Unpooled.wrappedBuffer(new byte[6_000]));
    assertThat(c.truncated()).isTrue();
    assertThat(c.take()).hasSize(10_000);
    assertThat(budget.used()).isEqualTo(c.reserved()).isLessThanOrEqualTo(10_000);

    ByteBudget tiny = new ByteBudget(5_000);
    BodyCapture d = new BodyCapture(tiny, 10_000, -1);
    d.append(io.netty.buffer.Unpooled.wrappedBuffer(new byte[8_000]));
    assertThat(d.failed()).isTrue();
    assertThat(tiny.used()).isZero();
  }

  /** The issue's report: the same JSON under four declared types was stored in clear three times. */
  @Test
  void redactsJsonWhateverTypeItIsDeclaredAs() throws Exception {
    byte[] json = "{\"customer\":{\"email\":\"ann@example.com\"},\"instances\":[[1,2]]}".getBytes(StandardCharsets.UTF_8);
    CapturePolicy p = policy(List.of("/customer/email"));
    for (String type : new String[] {"application/json", "text/plain", "application/vnd.acme.v2+json", null,
        "application/octet-stream", "text/csv"}) {
      RecordEncoder.Result r = encoder.encode(exchange(p, type, json, null, null, false));
      assertThat(stored(r, true)).as(type).contains(ANN_HASH).doesNotContain("ann@example.com").contains("[[1,2]]");
      assertThat(new String(r.entry().line(), StandardCharsets.UTF_8)).as(type).doesNotContain("ann@");
      assertThat(r.redactionFailures()).isZero();
    }
  }

  @Test
  void withholdsABodyThatLooksLikeJsonButDoesNotParseWhateverItsType() throws Exception {
    CapturePolicy p = policy(List.of("/customer/email"));
    for (String type : new String[] {"text/plain", null, "application/octet-stream"}) {
      byte[] broken = "{\"customer\":{\"email\":\"ann@example.com\"}} trailing".getBytes(StandardCharsets.UTF_8);
      RecordEncoder.Result r = encoder.encode(exchange(p, type, broken, "application/json", "{\"ok\":1}".getBytes(StandardCharsets.UTF_8), false));
      CaptureRecord back = codec.parse(r.entry().line());
      assertThat(back.endpointInput()).as(type).isNull();
      assertThat(back.vigil().withheld()).containsExactly("INPUT");
      assertThat(stored(r, false)).isEqualTo("{\"ok\":1}");
      assertThat(r.redactionFailures()).isEqualTo(1);
    }
  }

  @Test
  void keepsBodiesRedactionCannotAddressAndUnmatchedJsonByteForByte() throws Exception {
    CapturePolicy p = policy(List.of("/customer/email"));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
    byte[] json = "{ \"a\" : 1.50 }".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(p, "image/png", png, "application/json", json, false));
    assertThat(codec.parse(r.entry().line()).endpointInput().bytes()).isEqualTo(png);
    assertThat(stored(r, false)).isEqualTo("{ \"a\" : 1.50 }");
    assertThat(r.redactionFailures()).isZero();
  }

  @Test
  void redactsFormFields() throws Exception {
    CapturePolicy p = policy(List.of("/email", "/customer/email"));
    byte[] form = "email=ann%40example.com&customer%5Bemail%5D=ann%40example.com&n=1&q=a+b".getBytes(StandardCharsets.UTF_8);
    String out = stored(encoder.encode(exchange(p, "application/x-www-form-urlencoded", form, null, null, false)), true);
    String encodedHash = java.net.URLEncoder.encode(ANN_HASH, StandardCharsets.UTF_8);
    assertThat(out).isEqualTo("email=" + encodedHash + "&customer%5Bemail%5D=" + encodedHash + "&n=1&q=a+b");

    RecordEncoder.Result bad = encoder.encode(exchange(p, "application/x-www-form-urlencoded",
        "email=ann%4".getBytes(StandardCharsets.UTF_8), null, null, true));
    assertThat(stored(bad, true)).isNull();
    assertThat(bad.redactionFailures()).isEqualTo(1);
  }

  @Test
  void redactsMultipartFieldsAndJsonPartsAndKeepsFiles() throws Exception {
    CapturePolicy p = policy(List.of("/email"));
    String file = "\u0089PNG\r\n\u0000\u00ff";
    String body = "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nann@example.com\r\n"
        + "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"email\":\"ann@example.com\"}\r\n"
        + "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"email\"\r\nContent-Type: image/png\r\n\r\n" + file + "\r\n"
        + "--XyZ--\r\n";
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    RecordEncoder.Result r = encoder.encode(exchange(p, "multipart/form-data; boundary=XyZ", bytes, null, null, false));
    byte[] out = codec.parse(r.entry().line()).endpointInput().bytes();
    String text = new String(out, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain("ann@example.com");
    assertThat(text).isEqualTo(body.replace("ann@example.com\r\n", ANN_HASH + "\r\n")
        .replace("{\"email\":\"ann@example.com\"}", "{\"email\":\"" + ANN_HASH + "\"}"));

    RecordEncoder.Result cut = encoder.encode(exchange(p, "multipart/form-data; boundary=XyZ",
        body.substring(0, 40).getBytes(StandardCharsets.ISO_8859_1), null, null, true));
    assertThat(stored(cut, true)).isNull();
  }

  @Test
  void olderKeysStillVerifyTheirHashesAfterARotation() {
    Redactor.Key older = new Redactor.Key("k1", "older-secret-0123456789".getBytes(StandardCharsets.UTF_8));
    Redactor rotated = new Redactor(List.of("/email"), List.of(KEY, older));
    assertThat(rotated.hash("ann@example.com")).isEqualTo(ANN_HASH);
    String madeBefore = "hmac-sha256:k1:a0bc04aeb4972cf0b3b891ad09feedb8cda89707dc015fedfcdf1ef483e44bc9";
    assertThat(new Redactor(List.of("/email"), List.of(older)).hash("ann@example.com")).isEqualTo(madeBefore);
    assertThat(rotated.matches(madeBefore, "ann@example.com")).isTrue();
    assertThat(rotated.matches(madeBefore, "bob@example.com")).isFalse();
    assertThat(rotated.matches("hmac-sha256:k0:" + madeBefore.substring(15), "ann@example.com")).isFalse();
    assertThat(KEY.toString()).doesNotContain("0123456789abcdef");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Redactor(List.of("/email"), List.of()))
        .hasMessageContaining("agent.redaction.keys");
  }
}
