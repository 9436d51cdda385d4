package dev.vigil.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints sizes ({@code 10MB}) and durations ({@code 60s}, {@code PT1H}). Public for the
 * deployment files' checks, which hold Kubernetes quantities ({@code 1Gi}) against config sizes.
 */
public final class Units {
  /** {@code 10MB}, {@code 10 mb}, {@code 1Gi} and {@code 900MiB} alike: every multiple is binary. */
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT]?)B|([KMGT])IB?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern SHORT_DURATION = Pattern.compile("([+-]?)(\\d+)\\s*(ms|s|m|h|d)");
  private static final String[] SIZE_UNITS = {"B", "KB", "MB", "GB", "TB"};

  private Units() {}

  /**
   * Bytes for {@code 512KB}, {@code 10MB}, {@code 1GB}, {@code 4096}, and the Kubernetes/IEC forms
   * {@code 1Gi}, {@code 900MiB}; binary multiples throughout; -1 if malformed.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    String prefix = m.group(3) != null ? m.group(3) : m.group(2) == null ? "" : m.group(2);
    String unit = prefix.toUpperCase(Locale.ROOT) + "B";
    int shift = 10 * indexOf(unit);
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        return -1;
      }
      return n << shift;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The largest unit that divides {@code bytes} exactly: {@code 10MB}, {@code 1500B}. */
  static String formatSize(long bytes) {
    int unit = 0;
    long n = bytes;
    while (n != 0 && n % 1024 == 0 && unit < SIZE_UNITS.length - 1) {
      n /= 1024;
      unit++;
    }
    return n + SIZE_UNITS[unit];
  }

  /** {@code 60s}, {@code 5m}, {@code 6h}, {@code 2d}, {@code 250ms}, or ISO-8601; null if malformed. */
  static Duration parseDuration(String text) {
    String t = text.trim();
    Matcher m = SHORT_DURATION.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(2));
        Duration d =
            switch (m.group(3)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return m.group(1).equals("-") ? d.negated() : d;
      }
      return Duration.parse(t);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /** The shortest form {@link #parseDuration} reads back: {@code 6h}, {@code -1h}, {@code 90s}. */
  static String formatDuration(Duration d) {
    String sign = d.isNegative() ? "-" : "";
    Duration a = d.abs();
    if (a.isZero()) {
      return "0s";
    }
    if (a.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = a.toMillis();
    if (ms % 1000 != 0) {
      return sign + ms + "ms";
    }
    long s = a.getSeconds();
    if (s % 86_400 == 0) {
      return sign + s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return sign + s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return sign + s / 60 + "m";
    }
    return sign + s + "s";
  }

  private static int indexOf(String unit) {
    for (int i = 0; i < SIZE_UNITS.length; i++) {
      if (SIZE_UNITS[i].equals(unit)) {
        return i;
      }
    }
    throw new IllegalArgumentException(unit);
  }
}
