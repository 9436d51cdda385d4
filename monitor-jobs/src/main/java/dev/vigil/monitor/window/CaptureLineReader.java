package dev.vigil.monitor.window;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.capture.format.MalformedCaptureException.Reason;
import dev.vigil.capture.format.VigilMetadata;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The monitor's read of a capture line: one streaming pass that keeps only what the checks need
 * (output body, eventId, inferenceTime, the vigil object) and skips the input body without
 * decoding it. The input is usually most of the line (a base64 image) and {@link
 * CaptureRecordCodec#parse} builds a tree and validates its base64; the monitor reads millions
 * of lines per window and never looks at the image, so it takes this path. Records come back
 * with {@code endpointInput == null}; fetch the full record with {@code CaptureFetcher}.
 *
 * <p>Same shape and the same failure reasons as the codec (the test {@code
 * CaptureLineReaderTest} holds them together): required {@code captureData}, {@code
 * eventMetadata.eventId}, {@code eventMetadata.inferenceTime}; {@code vigil} optional; unknown
 * fields ignored; nothing after the object. Thread-safe.
 */
final class CaptureLineReader {
  private final JsonFactory json = JsonFactory.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(512 * 1024 * 1024).build())
      .build();

  CaptureRecord read(byte[] buf, int off, int len) throws MalformedCaptureException {
    if (blank(buf, off, len)) {
      throw new MalformedCaptureException(Reason.EMPTY_LINE, null, "the line is empty; expected one JSON object");
    }
    try (JsonParser p = json.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "expected a JSON object");
      }
      CapturedBody output = null;
      boolean captureData = false;
      String eventId = null;
      String time = null;
      String inferenceId = null;
      String eventVersion = null;
      VigilMetadata vigil = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "captureData" -> {
            requireObject(p, t, "captureData");
            captureData = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken bt = p.nextToken();
              if (f.equals("endpointOutput") && bt != JsonToken.VALUE_NULL) {
                output = body(p, bt, "captureData.endpointOutput");
              } else {
                p.skipChildren(); // endpointInput: never decoded here
              }
            }
          }
          case "eventMetadata" -> {
            requireObject(p, t, "eventMetadata");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken mt = p.nextToken();
              switch (f) {
                case "eventId" -> eventId = string(p, mt, "eventMetadata.eventId");
                case "inferenceTime" -> time = string(p, mt, "eventMetadata.inferenceTime");
                case "inferenceId" -> inferenceId = string(p, mt, "eventMetadata.inferenceId");
                default -> p.skipChildren();
              }
            }
          }
          case "eventVersion" -> eventVersion = string(p, t, "eventVersion");
          case "vigil" -> vigil = t == JsonToken.VALUE_NULL ? null : vigil(p, t);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "trailing content after the JSON object");
      }
      if (!captureData) {
        throw new MalformedCaptureException(Reason.MISSING_FIELD, "captureData", "required object is absent");
      }
      if (eventId == null) {
        throw new MalformedCaptureException(Reason.MISSING_FIELD, "eventMetadata.eventId", "required string is absent");
      }
      if (time == null) {
        throw new MalformedCaptureException(Reason.MISSING_FIELD, "eventMetadata.inferenceTime", "required string is absent");
      }
      return new CaptureRecord(null, output, eventId, instant(time), inferenceId,
          eventVersion == null ? CaptureRecord.EVENT_VERSION : eventVersion, vigil);
    } catch (StreamReadException e) {
      throw new MalformedCaptureException(Reason.MALFORMED_JSON, null,
          "not valid JSON (" + e.getOriginalMessage() + "); expected one JSON object per line", e);
    } catch (IOException e) {
      throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "unreadable: " + e.getMessage(), e);
    }
  }

  private static CapturedBody body(JsonParser p, JsonToken t, String path) throws IOException, MalformedCaptureException {
    requireObject(p, t, path);
    String contentType = null;
    String mode = null;
    String data = null;
    String encoding = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      switch (f) {
        case "observedContentType" -> contentType = string(p, v, path + ".observedContentType");
        case "mode" -> mode = string(p, v, path + ".mode");
        case "data" -> data = string(p, v, path + ".data");
        case "encoding" -> encoding = string(p, v, path + ".encoding");
        default -> p.skipChildren();
      }
    }
    if (mode == null || data == null || encoding == null) {
      throw new MalformedCaptureException(Reason.MISSING_FIELD, path,
          "mode, data and encoding are required");
    }
    try {
      return new CapturedBody(contentType, mode.toUpperCase(Locale.ROOT), data, encoding.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MalformedCaptureException(Reason.UNKNOWN_ENCODING, path, e.getMessage(), e);
    }
  }

  private static VigilMetadata vigil(JsonParser p, JsonToken t) throws IOException, MalformedCaptureException {
    requireObject(p, t, "vigil");
    String endpoint = null;
    String variant = null;
    Long latency = null;
    Long status = null;
    boolean truncated = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      switch (f) {
        case "endpoint" -> endpoint = string(p, v, "vigil.endpoint");
        case "variant" -> variant = string(p, v, "vigil.variant");
        case "latencyMicros" -> latency = integer(p, v, "vigil.latencyMicros");
        case "status" -> status = integer(p, v, "vigil.status");
        case "truncated" -> {
          if (v != JsonToken.VALUE_NULL && !v.isBoolean()) {
            throw new MalformedCaptureException(Reason.WRONG_TYPE, "vigil.truncated", "expected true or false");
          }
          truncated = v == JsonToken.VALUE_TRUE;
        }
        default -> p.skipChildren();
      }
    }
    if (endpoint == null) {
      throw new MalformedCaptureException(Reason.MISSING_FIELD, "vigil.endpoint", "required string is absent");
    }
    if (latency == null || status == null) {
      throw new MalformedCaptureException(Reason.MISSING_FIELD, latency == null ? "vigil.latencyMicros" : "vigil.status",
          "required number is absent");
    }
    return new VigilMetadata(endpoint, variant == null ? "default" : variant, latency, (int) (long) status, truncated);
  }

  private static void requireObject(JsonParser p, JsonToken t, String path) throws MalformedCaptureException {
    if (t != JsonToken.START_OBJECT) {
      throw new MalformedCaptureException(Reason.WRONG_TYPE, path, "expected a JSON object, found " + t);
    }
  }

  private static String string(JsonParser p, JsonToken t, String path) throws IOException, MalformedCaptureException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new MalformedCaptureException(Reason.WRONG_TYPE, path, "expected a string, found " + t);
    }
    return p.getText();
  }

  private static Long integer(JsonParser p, JsonToken t, String path) throws IOException, MalformedCaptureException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new MalformedCaptureException(Reason.WRONG_TYPE, path, "expected an integer, found " + t);
    }
    return p.getLongValue();
  }

  private static Instant instant(String text) throws MalformedCaptureException {
    Instant fast = utc(text);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw new MalformedCaptureException(Reason.BAD_TIMESTAMP, "eventMetadata.inferenceTime",
            "'" + text + "' is not an ISO-8601 timestamp such as 2026-11-22T11:00:00Z", e2);
      }
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form Vigil and SageMaker write, without the
   * general ISO parser (which costs microseconds per line); null for anything else, which then
   * goes through {@link Instant#parse} and {@link OffsetDateTime#parse}.
   */
  static Instant utc(String t) {
    int n = t.length();
    if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
        || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59
        || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      if (t.charAt(19) != '.' || n == 21) {
        return null;
      }
      int f = digits(t, 20, n - 21);
      if (f < 0) {
        return null;
      }
      nanos = f;
      for (int i = n - 21; i < 9; i++) {
        nanos *= 10;
      }
    } else if (t.charAt(19) != 'Z') {
      return null;
    }
    long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The non-negative number in {@code t[from, from + len)}, or -1 when not all digits. */
  private static int digits(String t, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean blank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
        return false;
      }
    }
    return true;
  }
}
