package dev.vigil.capture.record;

import dev.vigil.capture.format.CaptureLineWriter;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.RawBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.capture.sampling.CapturePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link SampledExchange} into the design.md capture record's JSON line, straight from the
 * captured bytes ({@link CaptureLineWriter}: no String or Base64 String of a body is built).
 *
 * <p>Text content types are checked strictly as UTF-8 (on the bytes) and stored as text; a body
 * that is not valid UTF-8 (or was cut mid-character by truncation) falls back to BASE64 rather
 * than failing. With redaction configured, every body goes through {@link
 * dev.vigil.capture.sampling.Redactor#redact(String, byte[])} whatever its declared type; one it
 * cannot parse (or that was truncated) is left out of the record, named in the record's {@code
 * vigil.withheld} and counted by the caller through {@link Result#redactionFailures()}, so PII
 * never leaks.
 *
 * <p>Not thread-safe (it reuses its writer's buffers): one encoder per encoding thread.
 */
public final class RecordEncoder {
  private final CaptureLineWriter writer = new CaptureLineWriter();

  /** The encoded entry plus how many bodies had to be withheld because redaction failed. */
  public record Result(CaptureEntry entry, int redactionFailures) {}

  public Result encode(SampledExchange x) {
    CapturePolicy p = x.policy();
    List<String> withheld = new ArrayList<>(0);
    RawBody in = body(p, x.requestContentType(), CapturedBody.INPUT, x.requestBody(), withheld);
    RawBody out = body(p, x.responseContentType(), CapturedBody.OUTPUT, x.responseBody(), withheld);
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
                x.requestTruncated() || x.responseTruncated(),
                withheld));
    return new Result(
        new CaptureEntry(p.endpoint(), p.variant(), eventId, x.inferenceTime().toEpochMilli(), line),
        withheld.size());
  }

  private static RawBody body(
      CapturePolicy p, String contentType, String mode, byte[] bytes, List<String> withheld) {
    if (bytes == null) {
      return null;
    }
    boolean text = p.textTypes().isText(contentType);
    if (!p.redactor().enabled()) {
      return RawBody.of(contentType, mode, bytes, text);
    }
    try {
      return RawBody.of(contentType, mode, p.redactor().redact(contentType, bytes), text);
    } catch (java.io.IOException | RuntimeException e) {
      withheld.add(mode);
      return null;
    }
  }
}
