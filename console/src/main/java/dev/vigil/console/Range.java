package dev.vigil.console;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The time range an endpoint page shows, from its query ({@code from}, {@code to}: a date {@code
 * 2026-11-22} or an instant; or {@code last=24h|7d|30d|all}). Without one: the last 7 days up to the
 * latest window (so an endpoint whose monitor stopped still shows its last week), shortened to the
 * history when that is shorter.
 *
 * @param from inclusive
 * @param to exclusive
 */
record Range(Instant from, Instant to) {
  static final Duration DEFAULT = Duration.ofDays(7);
  /** The quick choices offered on the page. */
  static final List<String> QUICK = List.of("24h", "7d", "30d", "all");

  /**
   * @throws IllegalArgumentException naming the parameter that is not a date or instant
   */
  static Range of(String from, String to, String last, List<WindowSummary> windows) {
    Instant latest = windows.isEmpty() ? Instant.now() : windows.get(windows.size() - 1).id().end();
    Instant earliest = windows.isEmpty() ? latest.minus(DEFAULT) : windows.get(0).id().start();
    if (last != null && !last.isBlank()) {
      Duration d = switch (last) {
        case "24h" -> Duration.ofHours(24);
        case "7d" -> Duration.ofDays(7);
        case "30d" -> Duration.ofDays(30);
        case "all" -> Duration.between(earliest, latest);
        default -> throw new IllegalArgumentException("last must be one of " + QUICK + ", got '" + last + "'");
      };
      return new Range(latest.minus(d), latest);
    }
    Instant f = from == null || from.isBlank() ? null : instant("from", from);
    Instant t = to == null || to.isBlank() ? null : instant("to", to);
    if (t != null && to.length() == 10) {
      t = t.plus(Duration.ofDays(1)); // a date "to" includes that day
    }
    Instant end = t != null ? t : f != null ? f.plus(DEFAULT).isAfter(latest) ? latest : f.plus(DEFAULT) : latest;
    // Without "from": the last 7 days, or less when the history is shorter (its charts then fill the width).
    Instant start = f != null ? f : end.minus(DEFAULT).isBefore(earliest) && earliest.isBefore(end) ? earliest
        : end.minus(DEFAULT);
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("from (" + start + ") must be before to (" + end + ")");
    }
    return new Range(start, end);
  }

  private static Instant instant(String name, String text) {
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date (2026-11-22) or an instant (2026-11-22T10:00:00Z), got '"
          + text + "'", e);
    }
  }

  boolean contains(WindowId w) {
    return !w.start().isBefore(from) && w.start().isBefore(to);
  }
}
