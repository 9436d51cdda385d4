package dev.vigil.capture.record;

import dev.vigil.capture.format.CaptureLineWriter;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.RawBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.capture.sampling.CapturePolicy;
import java.nio.charset.StandardCharsets;

/**
 * Turns a {@link SampledExchange} into the design.md capture record's JSON line, straight from the
 * captured bytes ({@link CaptureLineWriter}: no String or Base64 String of a body is built).
 *
 * <p>Text content types are checked strictly as UTF-8 (on the bytes) and stored as text; a body
 * that is not valid UTF-8 (or was cut mid-character by truncation) falls back to BASE64 rather
 * than failing. With redaction configured, a JSON-typed body that does not parse (or was truncated)
 * cannot be redacted and is left out of the record (counted by the caller through
 * {@link Result#redactionFailures()}) so PII never leaks.
 *
 * <p>Not thread-safe (it reuses its writer's buffers): one encoder per encoding thread.
 */
public final class RecordEncoder {
  private final CaptureLineWriter writer = new CaptureLineWriter();

  /** The encoded entry plus how many bodies had to be withheld because redaction failed. */
  public record Result(CaptureEntry entry, int redactionFailures) {}

  public Result encode(SampledExchange x) {
    CapturePolicy p = x.policy();
    int[] failures = new int[1];
    RawBody in = body(p, x.requestContentType(), CapturedBody.INPUT, x.requestBody(), failures);
    RawBody out = body(p, x.responseContentType(), CapturedBody.OUTPUT, x.responseBody(), failures);
    String eventId = x.eventId().toString();
    byte[] line =
        writer.toJsonLine(
            in,
            out,
            eventId,
            x.inferenceTime(),
            x.inferenceId(),
            new VigilMetadata(
                p.endpoint(),
                p.variant(),
                x.latencyMicros(),
                x.status(),
                x.requestTruncated() || x.responseTruncated()));
    return new Result(
        new CaptureEntry(p.endpoint(), p.variant(), eventId, x.inferenceTime().toEpochMilli(), line),
        failures[0]);
  }

  private static RawBody body(
      CapturePolicy p, String contentType, String mode, byte[] bytes, int[] failures) {
    if (bytes == null) {
      return null;
    }
    RawBody body = RawBody.of(contentType, mode, bytes, p.textTypes().isText(contentType));
    if (body.isBase64()
        || !p.redactor().enabled()
        || !CapturedBody.JSON.equals(body.encoding())) {
      return body;
    }
    try {
      String redacted = p.redactor().redact(new String(bytes, StandardCharsets.UTF_8));
      return new RawBody(contentType, mode, redacted.getBytes(StandardCharsets.UTF_8), body.encoding());
    } catch (java.io.IOException | RuntimeException e) {
      failures[0]++;
      return null;
    }
  }
}
