package dev.vigil.capture.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.vigil.capture.format.MalformedCaptureException.Reason;
import java.io.IOException;
import java.util.Locale;

/**
 * The monitor's read of a capture line: one streaming pass that keeps only what the checks need
 * (output body, eventId, inferenceTime, the vigil object) and skips the input body without
 * decoding it. The input is usually most of the line (a base64 image) and {@link
 * CaptureRecordCodec#parse} builds a tree and validates its base64; the monitor reads millions
 * of lines per window and never looks at the image, so it takes this path. Records come back
 * with {@code endpointInput == null}; parse the full line with the codec when the input is needed.
 *
 * <p>Same shape and the same failure reasons as the codec (the test {@code
 * CaptureLineReaderTest} holds them together): required {@code captureData}, {@code
 * eventMetadata.eventId}, {@code eventMetadata.inferenceTime}; {@code vigil} optional; unknown
 * fields ignored; nothing after the object. Split a stream into lines with {@link JsonLines}.
 * Thread-safe; share one.
 */
public final class CaptureLineReader {
  // The codec's limits (one place for the longest string accepted), plus the fast double parser.
  private final JsonFactory json =
      CaptureRecordCodec.newFactory().rebuild().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  /**
   * The record in {@code buf[off, off + len)}, without its input body.
   *
   * @throws MalformedCaptureException as {@link CaptureRecordCodec#parse(byte[], int, int)} would
   */
  public CaptureRecord read(byte[] buf, int off, int len) throws MalformedCaptureException {
    if (CaptureRecordCodec.isBlank(buf, off, len)) {
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
      return new CaptureRecord(null, output, eventId, InferenceTime.parse(time), inferenceId,
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
    java.util.List<String> withheld = java.util.List.of();
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
        case "withheld" -> withheld = withheld(p, v);
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
    return new VigilMetadata(endpoint, variant == null ? "default" : variant, latency, (int) (long) status, truncated,
        withheld);
  }

  private static java.util.List<String> withheld(JsonParser p, JsonToken t) throws IOException, MalformedCaptureException {
    if (t == JsonToken.VALUE_NULL) {
      return java.util.List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw new MalformedCaptureException(Reason.WRONG_TYPE, "vigil.withheld", "expected a list of modes");
    }
    java.util.List<String> out = new java.util.ArrayList<>(2);
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      out.add(string(p, e, "vigil.withheld[]"));
    }
    return out;
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
}
