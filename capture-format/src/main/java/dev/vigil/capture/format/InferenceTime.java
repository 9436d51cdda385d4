package dev.vigil.capture.format;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** Parsing of {@code eventMetadata.inferenceTime}, shared by the codec and the fast reader. */
final class InferenceTime {
  static final String FIELD = "eventMetadata.inferenceTime";

  private InferenceTime() {}

  /**
   * An ISO-8601 instant, in UTC ({@code Z}) or with an offset (SageMaker and other writers
   * sometimes write {@code +00:00}).
   */
  static Instant parse(String text) throws MalformedCaptureException {
    Instant fast = utc(text);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw new MalformedCaptureException(MalformedCaptureException.Reason.BAD_TIMESTAMP, FIELD,
            "'" + text + "' is not an ISO-8601 timestamp such as 2026-11-22T11:00:00Z", e2);
      }
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form Vigil and SageMaker write, without the
   * general ISO parser (which costs microseconds per line); null for anything else, which then
   * goes through {@link Instant#parse} and {@link OffsetDateTime#parse}.
   */
  static Instant utc(String t) {
    int n = t.length();
    if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
        || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59
        || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      if (t.charAt(19) != '.' || n == 21) {
        return null;
      }
      int f = digits(t, 20, n - 21);
      if (f < 0) {
        return null;
      }
      nanos = f;
      for (int i = n - 21; i < 9; i++) {
        nanos *= 10;
      }
    } else if (t.charAt(19) != 'Z') {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The non-negative number in {@code t[from, from + len)}, or -1 when not all digits. */
  private static int digits(String t, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
