package dev.vigil.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Text helpers shared by every rendering (email, report page, webhook), so a value reads the same
 * everywhere. Everything that comes from data goes through {@link #html(String)} before it lands in
 * markup: labels and endpoint names are untrusted.
 */
public final class Text {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Text() {}

  /** Escapes {@code & < > " '} for HTML text and attribute values; null becomes "". */
  public static String html(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Replaces control characters (CR, LF, tabs...) by spaces: for headers and one-line texts. */
  public static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString().strip();
  }

  /** A value with at most 4 significant digits, no exponent, no trailing zeros ({@code 0.805}). */
  public static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** A nullable value; "-" when absent. */
  public static String number(Double v) {
    return v == null ? "-" : number(v.doubleValue());
  }

  /** A probability as a percentage with one decimal ({@code 91.2%}); NaN (unknown) is {@code n/a}. */
  public static String percent(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f%%", p * 100);
  }

  /** An instant as {@code 2026-11-22 10:00Z}. */
  public static String when(Instant t) {
    return WHEN.format(t);
  }
}
