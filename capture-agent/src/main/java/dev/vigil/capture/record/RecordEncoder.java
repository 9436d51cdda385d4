package dev.vigil.capture.record;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.capture.sampling.CapturePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a {@link SampledExchange} into the design.md capture record and its JSON line.
 *
 * <p>Text content types are decoded strictly as UTF-8 and stored as text; a body that is not valid
 * UTF-8 (or was cut mid-character by truncation) falls back to BASE64 rather than failing. With
 * redaction configured, a JSON-typed body that does not parse (or was truncated) cannot be
 * redacted and is left out of the record (counted by the caller through {@link Result#redactionFailures()}) so PII never leaks.
 */
public final class RecordEncoder {
  private final CaptureRecordCodec codec;

  public RecordEncoder(CaptureRecordCodec codec) {
    this.codec = codec;
  }

  /** The encoded entry plus how many bodies had to be withheld because redaction failed. */
  public record Result(CaptureEntry entry, CaptureRecord record, int redactionFailures) {}

  public Result encode(SampledExchange x) {
    CapturePolicy p = x.policy();
    int[] failures = new int[1];
    CapturedBody in = body(p, x.requestContentType(), CapturedBody.INPUT, x.requestBody(), failures);
    CapturedBody out = body(p, x.responseContentType(), CapturedBody.OUTPUT, x.responseBody(), failures);
    CaptureRecord record =
        new CaptureRecord(
            in,
            out,
            x.eventId().toString(),
            x.inferenceTime(),
            x.inferenceId(),
            CaptureRecord.EVENT_VERSION,
            new VigilMetadata(
                p.endpoint(),
                p.variant(),
                x.latencyMicros(),
                x.status(),
                x.requestTruncated() || x.responseTruncated()));
    byte[] line = codec.toJsonLine(record);
    return new Result(
        new CaptureEntry(
            p.endpoint(), p.variant(), record.eventId(), x.inferenceTime().toEpochMilli(), line),
        record,
        failures[0]);
  }

  private static CapturedBody body(
      CapturePolicy p, String contentType, String mode, byte[] bytes, int[] failures) {
    if (bytes == null) {
      return null;
    }
    if (p.textTypes().isText(contentType)) {
      String text = strictUtf8(bytes);
      if (text != null) {
        if (p.redactor().enabled() && CapturedBody.JSON.equals(CapturedBody.textEncodingFor(contentType))) {
          try {
            text = p.redactor().redact(text);
          } catch (java.io.IOException | RuntimeException e) {
            failures[0]++;
            return null;
          }
        }
        return CapturedBody.text(contentType, mode, text);
      }
    }
    return CapturedBody.base64(contentType, mode, bytes);
  }

  static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
