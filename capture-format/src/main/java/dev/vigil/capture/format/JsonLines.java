package dev.vigil.capture.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a JSON Lines stream (a capture object or file) into lines without copying them, for
 * {@link CaptureLineReader}.
 */
public final class JsonLines {
  /** Longest line accepted: a capture of a 10 MB body, base64 (x4/3) plus the envelope. */
  static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

  private JsonLines() {}

  /**
   * Receives each line as {@code buf[off, off + len)}; the buffer is reused after the call.
   * {@code lineNumber} counts from 1, blank lines included, so it locates the line in the object.
   */
  public interface LineHandler {
    void line(byte[] buf, int off, int len, long lineNumber) throws IOException;
  }

  /**
   * Splits {@code in} on '\n' (a trailing '\r' is kept; JSON ignores it), calling {@code handler}
   * for every non-empty line, the last one included even without a terminator. Reads in 256 KB
   * chunks and hands lines that lie inside a chunk over in place (no copy); only a line that
   * spans two chunks is assembled in a separate buffer. Memory: one chunk plus the longest line.
   */
  public static void forEachLine(InputStream in, LineHandler handler) throws IOException {
    byte[] chunk = new byte[256 * 1024];
    byte[] carry = new byte[8 * 1024]; // start of a line that began in an earlier chunk
    int carried = 0;
    long number = 0;
    int n;
    while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] != '\n') {
          continue;
        }
        number++;
        if (carried > 0) {
          carry = append(carry, carried, chunk, from, i - from);
          handler.line(carry, 0, carried + i - from, number);
          carried = 0;
        } else if (i > from) {
          handler.line(chunk, from, i - from, number);
        }
        from = i + 1;
      }
      carry = append(carry, carried, chunk, from, n - from);
      carried += n - from;
    }
    if (carried > 0) {
      handler.line(carry, 0, carried, number + 1);
    }
  }

  private static byte[] append(byte[] line, int len, byte[] src, int from, int count) throws IOException {
    if (count == 0) {
      return line;
    }
    if (len + count > line.length) {
      if (len + count > MAX_LINE_BYTES) {
        throw new IOException("a line is longer than " + MAX_LINE_BYTES + " bytes; not a capture file");
      }
      line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(len + count, line.length * 2)));
    }
    System.arraycopy(src, from, line, len, count);
    return line;
  }
}
