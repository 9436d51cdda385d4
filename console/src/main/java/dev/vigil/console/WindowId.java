package dev.vigil.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * A window as it appears in URLs and in the last folder of its report key ({@code
 * 20261122T100000Z_20261122T110000Z}, see {@link dev.vigil.monitor.report.ReportKeys}): whole
 * seconds, UTC, so it is safe in a path.
 *
 * @param start inclusive start
 * @param end exclusive end
 */
record WindowId(Instant start, Instant end) implements Comparable<WindowId> {
  private static final DateTimeFormatter COMPACT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int LENGTH = "20261122T100000Z".length();

  WindowId {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  /**
   * Reads {@code START_END}.
   *
   * @throws IllegalArgumentException saying what is expected
   */
  static WindowId parse(String text) {
    if (text == null || text.length() != 2 * LENGTH + 1 || text.charAt(LENGTH) != '_') {
      throw new IllegalArgumentException("window '" + text + "' is not START_END, e.g. 20261122T100000Z_20261122T110000Z");
    }
    try {
      return new WindowId(instant(text.substring(0, LENGTH)), instant(text.substring(LENGTH + 1)));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("window '" + text + "' is not START_END: " + e.getMessage(), e);
    }
  }

  /** The window of a report key ({@code .../yyyy/MM/dd/HH/START_END/report.json}), null for other keys. */
  static WindowId ofKey(String key) {
    String[] parts = key.split("/");
    if (parts.length < 2) {
      return null;
    }
    try {
      return parse(parts[parts.length - 2]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant instant(String compact) {
    return LocalDateTime.parse(compact, COMPACT).toInstant(ZoneOffset.UTC);
  }

  @Override
  public int compareTo(WindowId o) {
    int c = start.compareTo(o.start);
    return c != 0 ? c : end.compareTo(o.end);
  }

  @Override
  public String toString() {
    return COMPACT.format(start) + "_" + COMPACT.format(end);
  }
}
