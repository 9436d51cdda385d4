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
        new Redactor(redact), true);
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
  void redactsJsonPointersWithASha256Hash() throws Exception {
    byte[] json = "{\"user\":{\"email\":\"ann@example.com\",\"age\":41},\"items\":[\"a\",\"secret\"],\"x\":1}".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of("/user/email", "/items/1", "/absent/path")), "application/json", json, null, null, false));
    String data = codec.parse(r.entry().line()).endpointInput().data();
    assertThat(data).doesNotContain("ann@example.com", "secret");
    assertThat(data).contains("\"email\":\"sha256:", "\"age\":41", "\"x\":1", "\"a\"");
    // same value, same hash: redacted fields stay joinable
    RecordEncoder.Result again = encoder.encode(exchange(policy(List.of("/user/email")), "application/json", json, null, null, false));
    String hash = data.replaceAll(".*\"email\":\"(sha256:[0-9a-f]{64})\".*", "$1");
    assertThat(codec.parse(again.entry().line()).endpointInput().data()).contains(hash);
  }

  @Test
  void withholdsAJsonBodyThatCannotBeRedacted() throws Exception {
    byte[] truncated = "{\"user\":{\"email\":\"ann@exa".getBytes(StandardCharsets.UTF_8);
    RecordEncoder.Result r = encoder.encode(exchange(policy(List.of("/user/email")), "application/json", truncated, null, null, true));
    CaptureRecord back = codec.parse(r.entry().line());
    assertThat(back.endpointInput()).isNull();
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
}
