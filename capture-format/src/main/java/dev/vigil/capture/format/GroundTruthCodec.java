package dev.vigil.capture.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.vigil.capture.format.MalformedCaptureException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Writes and reads ground-truth lines ({@link GroundTruthRecord}), SageMaker's shape: required
 * {@code groundTruthData.data} (string; a number is accepted and read as its text), {@code
 * groundTruthData.encoding} ({@code CSV} or {@code JSON}, default CSV), {@code
 * eventMetadata.eventId}; {@code eventVersion} optional; unknown fields ignored; nothing after
 * the object. Failures are {@link MalformedCaptureException}s with the capture reader's reasons,
 * so both kinds of line are counted the same way. Thread-safe; share one.
 */
public final class GroundTruthCodec {
  private final JsonFactory json = CaptureRecordCodec.newFactory();

  /** One line, without its newline. */
  public byte[] write(GroundTruthRecord r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + r.id().length() + r.data().length());
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("groundTruthData");
      g.writeStringField("data", r.data());
      g.writeStringField("encoding", r.encoding());
      g.writeEndObject();
      g.writeObjectFieldStart("eventMetadata");
      g.writeStringField("eventId", r.id());
      g.writeEndObject();
      g.writeStringField("eventVersion", r.eventVersion());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The record in {@code buf[off, off + len)}.
   *
   * @throws MalformedCaptureException naming the field and what to write instead
   */
  public GroundTruthRecord read(byte[] buf, int off, int len) throws MalformedCaptureException {
    if (CaptureRecordCodec.isBlank(buf, off, len)) {
      throw new MalformedCaptureException(Reason.EMPTY_LINE, null, "the line is empty; expected one JSON object");
    }
    try (JsonParser p = json.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "expected a JSON object");
      }
      boolean truthData = false;
      String data = null;
      String encoding = null;
      String id = null;
      String version = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "groundTruthData" -> {
            requireObject(t, "groundTruthData");
            truthData = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken v = p.nextToken();
              switch (f) {
                case "data" -> data = scalar(p, v, "groundTruthData.data");
                case "encoding" -> encoding = scalar(p, v, "groundTruthData.encoding");
                default -> p.skipChildren();
              }
            }
          }
          case "eventMetadata" -> {
            requireObject(t, "eventMetadata");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken v = p.nextToken();
              if (f.equals("eventId")) {
                id = scalar(p, v, "eventMetadata.eventId");
              } else {
                p.skipChildren();
              }
            }
          }
          case "eventVersion" -> version = scalar(p, t, "eventVersion");
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "trailing content after the JSON object");
      }
      if (!truthData || data == null) {
        throw new MalformedCaptureException(Reason.MISSING_FIELD, "groundTruthData.data",
            "required; write the label, e.g. {\"groundTruthData\":{\"data\":\"14\",\"encoding\":\"CSV\"},...}");
      }
      if (id == null || id.isBlank()) {
        throw new MalformedCaptureException(Reason.MISSING_FIELD, "eventMetadata.eventId",
            "required; write the prediction's inference id (X-Inference-Id) or its capture eventId");
      }
      String enc = encoding == null ? GroundTruthRecord.CSV : encoding.toUpperCase(Locale.ROOT);
      if (!enc.equals(GroundTruthRecord.CSV) && !enc.equals(GroundTruthRecord.JSON)) {
        throw new MalformedCaptureException(Reason.UNKNOWN_ENCODING, "groundTruthData.encoding",
            "'" + encoding + "' is not supported; write CSV or JSON");
      }
      return new GroundTruthRecord(id, data, enc, version);
    } catch (StreamReadException e) {
      throw new MalformedCaptureException(Reason.MALFORMED_JSON, null,
          "not valid JSON (" + e.getOriginalMessage() + "); expected one JSON object per line", e);
    } catch (IOException e) {
      throw new MalformedCaptureException(Reason.MALFORMED_JSON, null, "unreadable: " + e.getMessage(), e);
    }
  }

  private static void requireObject(JsonToken t, String path) throws MalformedCaptureException {
    if (t != JsonToken.START_OBJECT) {
      throw new MalformedCaptureException(Reason.WRONG_TYPE, path, "expected a JSON object, found " + t);
    }
  }

  /** A string, or a number's text (labels are often written as bare numbers). */
  private static String scalar(JsonParser p, JsonToken t, String path) throws IOException, MalformedCaptureException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getText();
    }
    p.skipChildren();
    throw new MalformedCaptureException(Reason.WRONG_TYPE, path, "expected a string, found " + t);
  }
}
