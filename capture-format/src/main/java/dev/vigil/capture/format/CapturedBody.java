package dev.vigil.capture.format;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One captured HTTP body: {@code captureData.endpointInput} or {@code captureData.endpointOutput}
 * in the SageMaker data-capture shape.
 *
 * <p>{@code data} is the body itself when {@code encoding} is a text encoding ({@link #JSON},
 * {@link #CSV}, {@link #TEXT}) and the standard Base64 of the bytes when it is {@link #BASE64}.
 * {@link #bytes()} undoes either, so readers never look at {@code encoding} themselves.
 *
 * @param observedContentType the Content-Type header as seen on the wire (may be null when absent)
 * @param mode {@link #INPUT} or {@link #OUTPUT}
 * @param data the body as text, or its Base64
 * @param encoding {@link #JSON}, {@link #CSV}, {@link #TEXT} or {@link #BASE64}
 */
public record CapturedBody(String observedContentType, String mode, String data, String encoding) {
  public static final String INPUT = "INPUT";
  public static final String OUTPUT = "OUTPUT";
  public static final String JSON = "JSON";
  public static final String CSV = "CSV";
  /** Vigil's encoding for text that is neither JSON nor CSV (for example text/plain). */
  public static final String TEXT = "TEXT";
  public static final String BASE64 = "BASE64";

  static final Set<String> MODES = Set.of(INPUT, OUTPUT);
  static final Set<String> ENCODINGS = Set.of(JSON, CSV, TEXT, BASE64);

  /**
   * @throws NullPointerException when mode, data or encoding is null
   * @throws IllegalArgumentException when mode or encoding is not one of the known values
   */
  public CapturedBody {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(encoding, "encoding");
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException("mode must be INPUT or OUTPUT, was '" + mode + "'");
    }
    if (!ENCODINGS.contains(encoding)) {
      throw new IllegalArgumentException(
          "encoding must be one of JSON, CSV, TEXT, BASE64, was '" + encoding + "'");
    }
  }

  /** A body stored as Base64 (images and anything not listed as text). */
  public static CapturedBody base64(String observedContentType, String mode, byte[] bytes) {
    return new CapturedBody(
        observedContentType, mode, Base64.getEncoder().encodeToString(bytes), BASE64);
  }

  /**
   * A text body; the encoding is chosen from the content type: {@link #JSON} for {@code json}
   * types, {@link #CSV} for {@code csv}, {@link #TEXT} otherwise.
   */
  public static CapturedBody text(String observedContentType, String mode, String text) {
    return new CapturedBody(observedContentType, mode, text, textEncodingFor(observedContentType));
  }

  /** The text encoding name for a content type: JSON, CSV or TEXT. */
  public static String textEncodingFor(String contentType) {
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (ct.contains("json")) {
      return JSON;
    }
    if (ct.contains("csv")) {
      return CSV;
    }
    return TEXT;
  }

  /** True when {@link #data()} holds Base64 rather than the text itself. */
  public boolean isBase64() {
    return BASE64.equals(encoding);
  }

  /**
   * The original body bytes: Base64-decoded, or the UTF-8 bytes of the text.
   *
   * @throws IllegalArgumentException when the encoding is BASE64 and data is not valid Base64
   *     (records parsed by {@link CaptureRecordCodec} were already checked)
   */
  public byte[] bytes() {
    return isBase64() ? decodeBase64(data) : data.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Strict Base64 that tolerates line breaks (some writers wrap long lines) but nothing else:
   * the MIME decoder would silently skip garbage.
   */
  static byte[] decodeBase64(String data) {
    String s = data;
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      s = s.replace("\r", "").replace("\n", "");
    }
    return Base64.getDecoder().decode(s);
  }
}
