package dev.vigil.capture.format;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The S3 key layout of captured records (design.md):
 * {@code PREFIX/ENDPOINT/VARIANT/yyyy/MM/dd/HH/<time>-<uuid>.jsonl}, all in UTC, where
 * {@code <time>} is {@code yyyyMMdd'T'HHmmss.SSS'Z'} of the object's first record so that keys
 * under one hour sort by time. An empty or null prefix drops that segment; slashes at either end
 * of the prefix are ignored.
 */
public final class CaptureLayout {
  /** Suffix of every capture object. */
  public static final String SUFFIX = ".jsonl";

  private static final DateTimeFormatter HOUR_PATH =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int TIME_LENGTH = "yyyyMMddTHHmmss.SSSZ".length();

  private CaptureLayout() {}

  /**
   * The object key for records of one endpoint/variant, first record at {@code time}.
   *
   * @throws IllegalArgumentException when endpoint or variant is empty or contains '/'
   */
  public static String objectKey(
      String prefix, String endpoint, String variant, Instant time, UUID uuid) {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(uuid, "uuid");
    return hourPrefix(prefix, endpoint, variant, time) + TIME.format(time) + "-" + uuid + SUFFIX;
  }

  /**
   * The key prefix of one hour ({@code PREFIX/ENDPOINT/VARIANT/yyyy/MM/dd/HH/}, with a trailing
   * slash) holding {@code time}.
   */
  public static String hourPrefix(String prefix, String endpoint, String variant, Instant time) {
    return base(prefix, endpoint, variant) + HOUR_PATH.format(time) + "/";
  }

  /**
   * The hour prefixes (each ending in '/') covering the window {@code [start, end)}, oldest first:
   * every hour that overlaps the window. Empty when {@code end <= start}. A reader lists each
   * prefix and then filters records by {@code inferenceTime}, since an object's key time is that
   * of its first record.
   */
  public static List<String> hourPrefixes(
      String prefix, String endpoint, String variant, Instant start, Instant end) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    List<String> out = new ArrayList<>();
    if (!end.isAfter(start)) {
      return out;
    }
    String base = base(prefix, endpoint, variant);
    for (Instant h = start.truncatedTo(ChronoUnit.HOURS); h.isBefore(end); h = h.plus(1, ChronoUnit.HOURS)) {
      out.add(base + HOUR_PATH.format(h) + "/");
    }
    return out;
  }

  /**
   * The key of a ground-truth object written at {@code time}: SageMaker's ground-truth layout
   * {@code PREFIX/yyyy/MM/dd/HH/<time>-<uuid>.jsonl}, i.e. this layout without the endpoint and
   * variant segments (the prefix names the endpoint), so {@link #keyTime} reads it back.
   */
  public static String objectKey(String prefix, Instant time, UUID uuid) {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(uuid, "uuid");
    return trimmed(prefix) + HOUR_PATH.format(time) + "/" + TIME.format(time) + "-" + uuid + SUFFIX;
  }

  /** The hour prefixes of the ground-truth layout ({@link #objectKey(String, Instant, UUID)}) covering {@code [start, end)}. */
  public static List<String> hourPrefixes(String prefix, Instant start, Instant end) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    List<String> out = new ArrayList<>();
    String base = trimmed(prefix);
    for (Instant h = start.truncatedTo(ChronoUnit.HOURS); h.isBefore(end); h = h.plus(1, ChronoUnit.HOURS)) {
      out.add(base + HOUR_PATH.format(h) + "/");
    }
    return out;
  }

  /** The prefix without slashes at either end, plus one '/' (empty for no prefix). */
  private static String trimmed(String prefix) {
    String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    return p.isEmpty() ? "" : p + "/";
  }

  /**
   * The time in the name of an object key this layout wrote ({@link #objectKey}), to the
   * millisecond; null for keys written by someone else (SageMaker, other tools), which a reader
   * cannot place in time without reading them.
   */
  public static Instant keyTime(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    if (name.length() < TIME_LENGTH) {
      return null;
    }
    try {
      return LocalDateTime.parse(name.substring(0, TIME_LENGTH), TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String base(String prefix, String endpoint, String variant) {
    segment("endpoint", endpoint);
    segment("variant", variant);
    String p = prefix == null ? "" : prefix;
    int from = 0;
    int to = p.length();
    while (from < to && p.charAt(from) == '/') {
      from++;
    }
    while (to > from && p.charAt(to - 1) == '/') {
      to--;
    }
    p = p.substring(from, to);
    return (p.isEmpty() ? "" : p + "/") + endpoint + "/" + variant + "/";
  }

  private static void segment(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          what + " must be a non-empty key segment without '/', was '" + value + "'");
    }
  }
}
