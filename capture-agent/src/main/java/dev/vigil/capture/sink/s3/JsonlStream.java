package dev.vigil.capture.sink.s3;

import java.io.InputStream;
import java.util.List;

/** Reads lines as JSONL (each followed by {@code '\n'}) without concatenating them first. */
final class JsonlStream extends InputStream {
  private final List<byte[]> lines;
  private int line;
  private int pos; // in the current line; == length means its '\n' is next

  JsonlStream(List<byte[]> lines) {
    this.lines = lines;
  }

  /** The lines as one array of {@code bytes} bytes (multipart uploads slice it into parts). */
  static byte[] concat(List<byte[]> lines, long bytes) {
    if (bytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("S3 object of " + bytes + " bytes is too large to assemble; lower s3.objectMaxBytes");
    }
    byte[] out = new byte[(int) bytes];
    int at = 0;
    for (byte[] l : lines) {
      System.arraycopy(l, 0, out, at, l.length);
      at += l.length;
      out[at++] = '\n';
    }
    return out;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len && line < lines.size()) {
      byte[] l = lines.get(line);
      if (pos < l.length) {
        int k = Math.min(len - n, l.length - pos);
        System.arraycopy(l, pos, b, off + n, k);
        pos += k;
        n += k;
      } else {
        b[off + n++] = '\n';
        line++;
        pos = 0;
      }
    }
    return n == 0 ? -1 : n;
  }
}
