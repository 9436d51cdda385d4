package dev.vigil.capture.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation on bytes, without decoding: accepts exactly what
 * {@code StandardCharsets.UTF_8.newDecoder()} with {@code CodingErrorAction.REPORT} accepts (no
 * overlong forms, no surrogates, nothing above U+10FFFF, no cut-off sequence at the end).
 */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  static boolean isValid(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      // ASCII runs (JSON, CSV) eight bytes at a time
      while (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= end) {
        return true;
      }
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n; // continuation bytes
      int lo = 0x80; // bounds of the first continuation byte
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        if (c == 0xe0) {
          lo = 0xa0; // overlong
        } else if (c == 0xed) {
          hi = 0x9f; // surrogates
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        if (c == 0xf0) {
          lo = 0x90; // overlong
        } else if (c == 0xf4) {
          hi = 0x8f; // above U+10FFFF
        }
      } else {
        return false; // stray continuation byte, overlong 2-byte lead (c0, c1), or f5..ff
      }
      if (i + n >= end) {
        return false; // cut off
      }
      int c1 = b[i + 1] & 0xff;
      if (c1 < lo || c1 > hi) {
        return false;
      }
      for (int k = 2; k <= n; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return false;
        }
      }
      i += n + 1;
    }
    return true;
  }
}
