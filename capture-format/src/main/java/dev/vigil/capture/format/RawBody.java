package dev.vigil.capture.format;

import java.util.Objects;

/**
 * A body as the bytes seen on the wire, for writing: the writer's side of {@link CapturedBody}.
 * {@link CaptureLineWriter} writes text bodies as their UTF-8 bytes and BASE64 bodies straight
 * from the bytes, so the capture path never builds a String (or a Base64 String) of a body. The
 * JSON line is the same as for the equivalent {@link CapturedBody}; readers get CapturedBody.
 *
 * <p>The array is not copied: the caller hands it over and must not change it afterwards.
 *
 * @param observedContentType the Content-Type header as seen on the wire (may be null)
 * @param mode {@link CapturedBody#INPUT} or {@link CapturedBody#OUTPUT}
 * @param bytes the body; valid UTF-8 when {@code encoding} is a text encoding (see {@link #of})
 * @param encoding {@link CapturedBody#JSON}, {@link CapturedBody#CSV}, {@link CapturedBody#TEXT}
 *     or {@link CapturedBody#BASE64}
 */
public record RawBody(String observedContentType, String mode, byte[] bytes, String encoding) {
  /**
   * @throws NullPointerException when mode, bytes or encoding is null
   * @throws IllegalArgumentException when mode or encoding is unknown, or a text encoding is given
   *     bytes that are not valid UTF-8
   */
  public RawBody {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(encoding, "encoding");
    new CapturedBody(observedContentType, mode, "", encoding); // same checks, same messages
    if (!CapturedBody.BASE64.equals(encoding) && !Utf8.isValid(bytes, 0, bytes.length)) {
      throw new IllegalArgumentException(
          "a " + encoding + " body must be valid UTF-8; store it as BASE64 (RawBody.of does)");
    }
  }

  /**
   * The body as text when {@code text} is set and the bytes are valid UTF-8 (encoding from the
   * content type, as {@link CapturedBody#text}), else as BASE64: invalid UTF-8, text cut
   * mid-character by truncation, or a JSON-typed body with raw control bytes (not pure JSON)
   * falls back rather than failing.
   */
  public static RawBody of(String observedContentType, String mode, byte[] bytes, boolean text) {
    String encoding =
        text && Utf8.isValid(bytes, 0, bytes.length)
            ? CapturedBody.textEncodingFor(observedContentType)
            : CapturedBody.BASE64;
    if (CapturedBody.JSON.equals(encoding) && BodyExcerpt.hasControlBytes(bytes)) {
      // Not pure JSON (which never holds a raw control byte): e.g. Triton's binary extension, a
      // JSON header followed by tensor bytes. Stored as BASE64 so readers see it as the bytes it is.
      encoding = CapturedBody.BASE64;
    }
    return new RawBody(observedContentType, mode, bytes, encoding);
  }

  /** True when the bytes are written as Base64. */
  public boolean isBase64() {
    return CapturedBody.BASE64.equals(encoding);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawBody r
        && Objects.equals(observedContentType, r.observedContentType)
        && mode.equals(r.mode)
        && encoding.equals(r.encoding)
        && java.util.Arrays.equals(bytes, r.bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedContentType, mode, encoding, java.util.Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return "RawBody[observedContentType=" + observedContentType + ", mode=" + mode + ", "
        + bytes.length + " bytes, encoding=" + encoding + "]";
  }
}
