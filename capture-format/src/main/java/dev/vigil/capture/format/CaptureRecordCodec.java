package dev.vigil.capture.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a {@link CaptureRecord} as one JSON line and reads it back.
 *
 * <p>Output is exactly the design.md shape, fields in this order:
 * {@code captureData{endpointInput, endpointOutput}, eventMetadata{eventId, inferenceTime,
 * inferenceId}, eventVersion, vigil{endpoint, variant, latencyMicros, status, truncated, withheld}};
 * absent (null) parts are omitted, and {@code withheld} (the modes whose body redaction had to
 * leave out) when empty.
 * Writing is streaming (no tree), shared with {@link CaptureLineWriter},
 * which the agent uses to write lines straight from body bytes ({@link RawBody}).
 *
 * <p>Parsing accepts SageMaker-written lines (no {@code vigil} object, extra fields ignored),
 * surrounding whitespace and a trailing line terminator. Anything else that is wrong throws
 * {@link MalformedCaptureException} with a {@link MalformedCaptureException.Reason}.
 *
 * <p>Instances are immutable and thread-safe; share one.
 */
public final class CaptureRecordCodec {
  /**
   * Largest string (the {@code data} field) the parser accepts, in chars. Jackson's default (20 M)
   * would refuse a 10 MB image body once configured limits grow; 512 M chars is beyond any sane
   * capture limit but still stops a corrupt file from exhausting memory through one token.
   */
  static final int MAX_STRING_CHARS = 512 * 1024 * 1024;

  private final JsonFactory factory;
  private final ObjectMapper mapper;

  public CaptureRecordCodec() {
    this.factory = newFactory();
    this.mapper =
        new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * The factory for reading and writing lines. Characters outside the BMP are written as their
   * 4 UTF-8 bytes (not as an escaped surrogate pair), which is what a line written from the body's
   * own bytes ({@link CaptureLineWriter}) holds, so both writers produce the same bytes.
   */
  static JsonFactory newFactory() {
    return JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .build();
  }

  /**
   * The record as one line of UTF-8 JSON, WITHOUT a line terminator (Kafka values carry none;
   * JSONL writers append {@code '\n'}). Never contains a raw newline: strings are escaped.
   */
  public byte[] toJsonLine(CaptureRecord record) {
    return new CaptureLineWriter(factory, estimateSize(record)).toJsonLine(record);
  }

  private static int estimateSize(CaptureRecord r) {
    long n = 256;
    if (r.endpointInput() != null) {
      n += r.endpointInput().data().length() + 128L;
    }
    if (r.endpointOutput() != null) {
      n += r.endpointOutput().data().length() + 128L;
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 16);
  }

  /** Parses one line; see {@link #parse(byte[], int, int)}. */
  public CaptureRecord parse(byte[] line) throws MalformedCaptureException {
    return parse(line, 0, line.length);
  }

  /**
   * Parses one capture record from {@code line[offset, offset+length)}.
   *
   * @throws MalformedCaptureException when the bytes are not one valid capture record; the
   *     exception names the field and the reason
   */
  public CaptureRecord parse(byte[] line, int offset, int length) throws MalformedCaptureException {
    if (isBlank(line, offset, length)) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.EMPTY_LINE, null, "the line is empty; expected one JSON object");
    }
    JsonNode root;
    try {
      root = mapper.readTree(line, offset, length);
    } catch (JsonProcessingException e) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.MALFORMED_JSON,
          null,
          "not valid JSON (" + e.getOriginalMessage() + "); expected one JSON object per line",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.MALFORMED_JSON,
          null,
          "expected a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
    }
    JsonNode captureData = object(root, "captureData", "captureData", true);
    CapturedBody input = body(captureData, "endpointInput", "captureData.endpointInput");
    CapturedBody output = body(captureData, "endpointOutput", "captureData.endpointOutput");
    JsonNode meta = object(root, "eventMetadata", "eventMetadata", true);
    String eventId = string(meta, "eventId", "eventMetadata.eventId", true);
    String time = string(meta, "inferenceTime", InferenceTime.FIELD, true);
    Instant inferenceTime = InferenceTime.parse(time);
    String inferenceId = string(meta, "inferenceId", "eventMetadata.inferenceId", false);
    String eventVersion = string(root, "eventVersion", "eventVersion", false);
    VigilMetadata vigil = vigil(object(root, "vigil", "vigil", false));
    return new CaptureRecord(
        input,
        output,
        eventId,
        inferenceTime,
        inferenceId,
        eventVersion == null ? CaptureRecord.EVENT_VERSION : eventVersion,
        vigil);
  }

  static boolean isBlank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
        return false;
      }
    }
    return true;
  }

  private static CapturedBody body(JsonNode parent, String name, String path)
      throws MalformedCaptureException {
    JsonNode node = object(parent, name, path, false);
    if (node == null) {
      return null;
    }
    String contentType = string(node, "observedContentType", path + ".observedContentType", false);
    String mode = string(node, "mode", path + ".mode", true).toUpperCase(Locale.ROOT);
    String data = string(node, "data", path + ".data", true);
    String encoding = string(node, "encoding", path + ".encoding", true).toUpperCase(Locale.ROOT);
    if (!CapturedBody.MODES.contains(mode)) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.UNKNOWN_ENCODING,
          path + ".mode",
          "'" + mode + "' is not a capture mode; expected INPUT or OUTPUT");
    }
    if (!CapturedBody.ENCODINGS.contains(encoding)) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.UNKNOWN_ENCODING,
          path + ".encoding",
          "'" + encoding + "' is not a capture encoding; expected JSON, CSV, TEXT or BASE64");
    }
    if (CapturedBody.BASE64.equals(encoding)) {
      try {
        // Validate now so that readers can call bytes() without surprises.
        CapturedBody.decodeBase64(data);
      } catch (IllegalArgumentException e) {
        throw new MalformedCaptureException(
            MalformedCaptureException.Reason.BAD_BASE64,
            path + ".data",
            "encoding is BASE64 but data is not valid Base64 (" + e.getMessage() + ")",
            e);
      }
    }
    return new CapturedBody(contentType, mode, data, encoding);
  }

  private static VigilMetadata vigil(JsonNode node) throws MalformedCaptureException {
    if (node == null) {
      return null;
    }
    String endpoint = string(node, "endpoint", "vigil.endpoint", true);
    String variant = string(node, "variant", "vigil.variant", false);
    long latency = number(node, "latencyMicros", "vigil.latencyMicros");
    long status = number(node, "status", "vigil.status");
    JsonNode truncated = node.get("truncated");
    if (truncated != null && !truncated.isNull() && !truncated.isBoolean()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.WRONG_TYPE,
          "vigil.truncated",
          "expected true or false, found " + truncated.getNodeType());
    }
    JsonNode withheld = node.get("withheld");
    java.util.List<String> modes = new java.util.ArrayList<>();
    if (withheld != null && !withheld.isNull()) {
      if (!withheld.isArray()) {
        throw new MalformedCaptureException(
            MalformedCaptureException.Reason.WRONG_TYPE, "vigil.withheld", "expected a list of modes, found " + withheld.getNodeType());
      }
      withheld.forEach(m -> modes.add(m.asText()));
    }
    return new VigilMetadata(
        endpoint,
        variant == null ? "default" : variant,
        latency,
        (int) status,
        truncated != null && truncated.asBoolean(false),
        modes);
  }

  private static JsonNode object(JsonNode parent, String name, String path, boolean required)
      throws MalformedCaptureException {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw new MalformedCaptureException(
            MalformedCaptureException.Reason.MISSING_FIELD,
            path,
            "required object is absent; a capture record needs captureData and eventMetadata");
      }
      return null;
    }
    if (!node.isObject()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.WRONG_TYPE,
          path,
          "expected a JSON object, found " + node.getNodeType());
    }
    return node;
  }

  private static String string(JsonNode parent, String name, String path, boolean required)
      throws MalformedCaptureException {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw new MalformedCaptureException(
            MalformedCaptureException.Reason.MISSING_FIELD, path, "required string is absent");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.WRONG_TYPE,
          path,
          "expected a string, found " + node.getNodeType());
    }
    return node.textValue();
  }

  private static long number(JsonNode parent, String name, String path)
      throws MalformedCaptureException {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.MISSING_FIELD, path, "required number is absent");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new MalformedCaptureException(
          MalformedCaptureException.Reason.WRONG_TYPE,
          path,
          "expected an integer, found " + node.getNodeType() + " " + node);
    }
    return node.longValue();
  }
}
