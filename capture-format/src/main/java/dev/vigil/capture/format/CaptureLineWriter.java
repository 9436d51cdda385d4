package dev.vigil.capture.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;

/**
 * Writes capture records as JSON lines (no terminator), reusing its buffers between records: the
 * writer of the agent's capture path, which writes every sampled request. Bodies given as
 * {@link RawBody} go from their bytes into the line: Base64 by the JDK encoder into a reused
 * buffer and copied into the output without an escape scan (Base64 needs none), text as its UTF-8
 * bytes with JSON's escapes applied, eight bytes at a time. No String of a body is built.
 *
 * <p>The output is byte for byte what {@link CaptureRecordCodec#toJsonLine} writes for the
 * equivalent {@link CaptureRecord} (same shape, field order and escapes; see design.md).
 *
 * <p>Not thread-safe: one writer per thread. Buffers that grew past {@link #KEEP_BYTES} (a 10 MB
 * body) are let go after the record instead of being kept.
 */
public final class CaptureLineWriter {
  /** Largest buffer kept between records. */
  static final int KEEP_BYTES = 1 << 20;
  private static final int INITIAL_BYTES = 16 * 1024;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private final JsonFactory factory;
  private final Output out;
  private byte[] base64 = new byte[0];

  public CaptureLineWriter() {
    this(CaptureRecordCodec.newFactory(), INITIAL_BYTES);
  }

  CaptureLineWriter(JsonFactory factory, int initialBytes) {
    this.factory = factory;
    this.out = new Output(initialBytes);
  }

  /**
   * One capture record written by Vigil (event version {@link CaptureRecord#EVENT_VERSION}) as a
   * JSON line. Arguments as in {@link CaptureRecord}; bodies and inferenceId may be null.
   *
   * @throws NullPointerException when eventId, inferenceTime or vigil is null
   */
  public byte[] toJsonLine(
      RawBody input,
      RawBody output,
      String eventId,
      Instant inferenceTime,
      String inferenceId,
      VigilMetadata vigil) {
    java.util.Objects.requireNonNull(vigil, "vigil");
    return write(input, output, eventId, inferenceTime, inferenceId, CaptureRecord.EVENT_VERSION, vigil);
  }

  /** The line of a record whose bodies are already text or Base64 Strings. */
  byte[] toJsonLine(CaptureRecord r) {
    return write(
        r.endpointInput(), r.endpointOutput(), r.eventId(), r.inferenceTime(), r.inferenceId(),
        r.eventVersion(), r.vigil());
  }

  /** The one place that knows the line's shape; {@code input}/{@code output} are CapturedBody or RawBody. */
  private byte[] write(
      Object input,
      Object output,
      String eventId,
      Instant inferenceTime,
      String inferenceId,
      String eventVersion,
      VigilMetadata v) {
    java.util.Objects.requireNonNull(eventId, "eventId");
    java.util.Objects.requireNonNull(inferenceTime, "inferenceTime");
    out.reset();
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("captureData");
      writeBody(g, "endpointInput", input);
      writeBody(g, "endpointOutput", output);
      g.writeEndObject();
      g.writeObjectFieldStart("eventMetadata");
      g.writeStringField("eventId", eventId);
      g.writeStringField("inferenceTime", DateTimeFormatter.ISO_INSTANT.format(inferenceTime));
      if (inferenceId != null) {
        g.writeStringField("inferenceId", inferenceId);
      }
      g.writeEndObject();
      g.writeStringField("eventVersion", eventVersion);
      if (v != null) {
        g.writeObjectFieldStart("vigil");
        g.writeStringField("endpoint", v.endpoint());
        g.writeStringField("variant", v.variant());
        g.writeNumberField("latencyMicros", v.latencyMicros());
        g.writeNumberField("status", v.status());
        g.writeBooleanField("truncated", v.truncated());
        if (!v.withheld().isEmpty()) {
          g.writeArrayFieldStart("withheld");
          for (String mode : v.withheld()) {
            g.writeString(mode);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      // The output is memory and cannot fail; this would be a Jackson bug.
      throw new UncheckedIOException(e);
    }
    byte[] line = out.toByteArray();
    out.trim();
    if (base64.length > KEEP_BYTES) {
      base64 = new byte[0];
    }
    return line;
  }

  private void writeBody(JsonGenerator g, String name, Object body) throws IOException {
    if (body == null) {
      return;
    }
    String contentType;
    String mode;
    String encoding;
    if (body instanceof CapturedBody c) {
      contentType = c.observedContentType();
      mode = c.mode();
      encoding = c.encoding();
    } else {
      RawBody r = (RawBody) body;
      contentType = r.observedContentType();
      mode = r.mode();
      encoding = r.encoding();
    }
    g.writeObjectFieldStart(name);
    if (contentType != null) {
      g.writeStringField("observedContentType", contentType);
    }
    g.writeStringField("mode", mode);
    g.writeFieldName("data");
    if (body instanceof CapturedBody c) {
      g.writeString(c.data());
    } else {
      RawBody r = (RawBody) body;
      byte[] b = r.bytes();
      if (r.isBase64()) {
        int n = 4 * ((b.length + 2) / 3);
        if (base64.length < n) {
          base64 = new byte[Math.max(n, Math.min(2 * base64.length, KEEP_BYTES))];
        }
        // Standard alphabet, padded, no line breaks: what Base64.getEncoder() always wrote here.
        int written = Base64.getEncoder().encode(b, base64);
        g.writeRawUTF8String(base64, 0, written);
      } else {
        // The string goes straight into the output, escaped eight bytes at a time (Jackson's
        // writeUTF8String looks at every byte): writeRawValue("") emits the ':' and nothing else.
        g.writeRawValue("");
        g.flush();
        out.writeJsonString(b);
      }
    }
    g.writeStringField("encoding", encoding);
    g.writeEndObject();
  }

  /** A growable in-memory output whose array is reused between records. */
  private static final class Output extends OutputStream {
    private final int initial;
    private byte[] buf = new byte[0];
    private int count;

    Output(int initial) {
      this.initial = initial;
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        long want = Math.max((long) count + more, Math.max(2L * buf.length, initial));
        buf = Arrays.copyOf(buf, (int) Math.min(want, Integer.MAX_VALUE - 16));
      }
    }

    void reset() {
      count = 0;
    }

    /**
     * Writes UTF-8 text as a quoted JSON string with Jackson's escapes: {@code \"}, {@code \\},
     * {@code \b \t \n \f \r}, other control characters as backslash-u-00XX (upper-case hex); nothing else.
     */
    void writeJsonString(byte[] s) {
      int n = s.length;
      ensure(n + 2);
      buf[count++] = '"';
      int start = 0; // first byte not yet copied
      int i = 0;
      while (i < n) {
        if (i + 8 <= n && !needsEscape((long) LONGS.get(s, i))) {
          i += 8;
          continue;
        }
        for (int stop = Math.min(i + 8, n); i < stop; i++) {
          int c = s[i];
          if (c >= 0x20 && c != '"' && c != '\\' || c < 0) {
            continue; // also every byte of a multi-byte character (negative)
          }
          write(s, start, i - start);
          start = i + 1;
          escape(c);
        }
      }
      write(s, start, n - start);
      ensure(1);
      buf[count++] = '"';
    }

    private void escape(int c) {
      ensure(6);
      buf[count++] = '\\';
      switch (c) {
        case '"', '\\' -> buf[count++] = (byte) c;
        case '\b' -> buf[count++] = 'b';
        case '\t' -> buf[count++] = 't';
        case '\n' -> buf[count++] = 'n';
        case '\f' -> buf[count++] = 'f';
        case '\r' -> buf[count++] = 'r';
        default -> {
          buf[count++] = 'u';
          buf[count++] = '0';
          buf[count++] = '0';
          buf[count++] = HEX[c >> 4];
          buf[count++] = HEX[c & 0xf];
        }
      }
    }

    /** True when one of the eight bytes is below 0x20, a quote or a backslash (SWAR test). */
    private static boolean needsEscape(long w) {
      long control = (w - 0x2020202020202020L) & ~w;
      long q = w ^ 0x2222222222222222L;
      long quote = (q - 0x0101010101010101L) & ~q;
      long b = w ^ 0x5c5c5c5c5c5c5c5cL;
      long backslash = (b - 0x0101010101010101L) & ~b;
      return ((control | quote | backslash) & 0x8080808080808080L) != 0;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }

    /** Lets go of a buffer that grew for one large record. */
    void trim() {
      if (buf.length > KEEP_BYTES) {
        buf = new byte[0];
      }
      count = 0;
    }
  }
}
