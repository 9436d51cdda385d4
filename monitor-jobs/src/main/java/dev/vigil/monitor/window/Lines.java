package dev.vigil.monitor.window;

import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.monitor.stats.UnusableReason;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Shared helpers: splitting a JSON Lines stream into lines and classifying parse failures. */
final class Lines {
  /** Longest line accepted: a capture of a 10 MB body, base64 (x4/3) plus the envelope. */
  static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

  private Lines() {}

  /** Receives each line as {@code buf[0, len)}; the buffer is reused after the call. */
  interface LineHandler {
    void line(byte[] buf, int len, long lineNumber) throws IOException;
  }

  /**
   * Splits {@code in} on '\n' (a trailing '\r' is kept; JSON ignores it), calling {@code handler}
   * for every non-empty line, the last one included even without a terminator. Reads in 64 KB
   * chunks: memory is one chunk plus the longest line.
   */
  static void forEachLine(InputStream in, LineHandler handler) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    byte[] line = new byte[8 * 1024];
    int len = 0;
    long number = 0;
    int n;
    while ((n = in.read(chunk)) > 0) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          int part = i - from;
          line = append(line, len, chunk, from, part);
          len += part;
          number++;
          if (len > 0) {
            handler.line(line, len, number);
          }
          len = 0;
          from = i + 1;
        }
      }
      int part = n - from;
      line = append(line, len, chunk, from, part);
      len += part;
    }
    if (len > 0) {
      handler.line(line, len, number + 1);
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

  /** Which unusable reason a codec failure is: a JSON object cut short is "truncated". */
  static UnusableReason reasonOf(MalformedCaptureException e) {
    if (e.reason() == MalformedCaptureException.Reason.MALFORMED_JSON) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
          return UnusableReason.TRUNCATED_OBJECT;
        }
      }
    }
    return UnusableReason.CORRUPT_LINE;
  }
}
