package dev.vigil.capture.format;

import java.nio.charset.StandardCharsets;

/**
 * A body abbreviated for one line of a report, an alert or {@code vigil inspect}: text stays text
 * (whitespace collapsed, long strings such as base64 images shortened), binary becomes its size
 * and first bytes in hex. Never more than about {@code max} characters.
 */
public final class BodyExcerpt {
  /** JSON strings longer than this are shortened (base64 images, long labels). */
  private static final int LONG_STRING = 40;

  private BodyExcerpt() {}

  /**
   * @param body the bytes (null or empty allowed)
   * @param max the longest excerpt wanted, at least 20
   */
  public static String of(byte[] body, int max) {
    if (body == null || body.length == 0) {
      return "(empty)";
    }
    if (!Utf8.isValid(body, 0, body.length) || hasControlBytes(body)) {
      StringBuilder sb = new StringBuilder().append(body.length).append(" bytes of binary, starts");
      for (int i = 0; i < Math.min(8, body.length); i++) {
        sb.append(String.format(" %02X", body[i] & 0xFF));
      }
      sb.append(" (");
      for (int i = 0; i < Math.min(8, body.length); i++) {
        int b = body[i] & 0xFF;
        sb.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
      }
      return sb.append(')').toString();
    }
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    text = shortenLongStrings(text);
    if (text.length() > max) {
      text = text.substring(0, max - 1) + "… (" + body.length + " bytes)";
    }
    return text;
  }

  /** Replaces each JSON string longer than {@value #LONG_STRING} chars by its head and length. */
  static String shortenLongStrings(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 4096));
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '"') {
        out.append(c);
        i++;
        continue;
      }
      int end = i + 1;
      while (end < text.length() && text.charAt(end) != '"') {
        end += text.charAt(end) == '\\' ? 2 : 1;
      }
      int len = Math.min(end, text.length()) - i - 1;
      if (len > LONG_STRING) {
        out.append('"').append(text, i + 1, i + 13).append("…(").append(len).append(" chars)\"");
      } else {
        out.append(text, i, Math.min(end + 1, text.length()));
      }
      i = end + 1;
    }
    return out.toString();
  }

  /** Whether {@code b} holds a byte below 0x20 other than tab, CR and LF (never in JSON or text). */
  static boolean hasControlBytes(byte[] b) {
    for (byte x : b) {
      if ((x & 0xFF) < 0x20 && x != '\n' && x != '\r' && x != '\t') {
        return true;
      }
    }
    return false;
  }
}
