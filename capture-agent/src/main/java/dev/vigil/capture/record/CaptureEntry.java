package dev.vigil.capture.record;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One encoded capture record plus the few fields sinks route by (topic, S3 key), so neither the
 * sinks nor the spool re-parse JSON.
 *
 * @param line the JSON line (no terminator) from {@code CaptureRecordCodec}
 */
public record CaptureEntry(
    String endpoint, String variant, String eventId, long inferenceTimeMillis, byte[] line) {
  public CaptureEntry {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(line, "line");
  }

  /** Approximate heap held, for byte budgets. */
  public long weight() {
    return line.length + 96L + 2L * (endpoint.length() + variant.length() + eventId.length());
  }

  /** Spool framing: the fields then the line (see {@link #spoolHeader}). */
  public byte[] serialize() {
    byte[] head = spoolHeader();
    byte[] out = Arrays.copyOf(head, head.length + line.length);
    System.arraycopy(line, 0, out, head.length, line.length);
    return out;
  }

  /**
   * The spool framing without the line: what goes in front of {@link #line()} when the two are
   * written as one entry (so the spool does not need a copy of the line).
   */
  public byte[] spoolHeader() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 3 * (endpoint.length() + variant.length() + eventId.length()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(endpoint);
      out.writeUTF(variant);
      out.writeUTF(eventId);
      out.writeLong(inferenceTimeMillis);
      out.writeInt(line.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws IOException when the bytes are not a serialized entry */
  public static CaptureEntry deserialize(byte[] data) throws IOException {
    return deserialize(data, 0, data.length);
  }

  /** From {@code data[off, off+len)}; copies what it keeps. */
  public static CaptureEntry deserialize(byte[] data, int off, int len) throws IOException {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data, off, len))) {
      String endpoint = in.readUTF();
      String variant = in.readUTF();
      String eventId = in.readUTF();
      long time = in.readLong();
      int n = in.readInt();
      if (n < 0 || n > len) {
        throw new IOException("corrupt spool entry: line length " + n);
      }
      byte[] line = new byte[n];
      in.readFully(line);
      return new CaptureEntry(endpoint, variant, eventId, time, line);
    }
  }
}
