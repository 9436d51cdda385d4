package dev.vigil.monitor.window;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A time window of inference times, {@code [start, end)}.
 *
 * @param start inclusive
 * @param end exclusive, after start
 */
public record Window(Instant start, Instant end) {
  public Window {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("window end " + end + " must be after its start " + start);
    }
  }

  /** Whether {@code t} is inside {@code [start, end)}. */
  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  /**
   * Parses {@code START/DURATION} ({@code 2026-11-22T10:00:00Z/PT1H}) or {@code START/END}
   * (ISO-8601 interval forms).
   *
   * @throws IllegalArgumentException saying which form is expected
   */
  public static Window parse(String text) {
    String hint = "; write START/DURATION or START/END, e.g. 2026-11-22T10:00:00Z/PT1H";
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("window '" + text + "' has no '/'" + hint);
    }
    try {
      Instant start = Instant.parse(text.substring(0, slash).trim());
      String rest = text.substring(slash + 1).trim();
      Instant end = rest.startsWith("P") || rest.startsWith("p")
          ? start.plus(Duration.parse(rest))
          : Instant.parse(rest);
      return new Window(start, end);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("window '" + text + "' is not valid (" + e.getMessage() + ")" + hint, e);
    }
  }

  @Override
  public String toString() {
    return start + "/" + end;
  }
}
