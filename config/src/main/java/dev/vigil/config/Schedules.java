package dev.vigil.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code monitor.schedule}: the friendly forms and a syntactic check of Quartz cron. */
final class Schedules {
  private static final Pattern EVERY_N_HOURS = Pattern.compile("every\\s+(\\d+)\\s+hours?");
  private static final Pattern CRON_FIELD = Pattern.compile("[0-9A-Za-z*?/,#-]+");

  private Schedules() {}

  static String toCron(String schedule) {
    String s = schedule.trim().toLowerCase(Locale.ROOT);
    if (s.equals("hourly")) {
      return "0 0 * * * ?";
    }
    if (s.equals("daily")) {
      return "0 0 0 * * ?";
    }
    Matcher m = EVERY_N_HOURS.matcher(s);
    if (m.matches()) {
      return "0 0 0/" + Integer.parseInt(m.group(1)) + " * * ?";
    }
    return schedule.trim();
  }

  /** What is wrong with {@code schedule}, or {@code null} when it is usable. */
  static String problem(String schedule) {
    String s = schedule.trim().toLowerCase(Locale.ROOT);
    if (s.equals("hourly") || s.equals("daily")) {
      return null;
    }
    Matcher m = EVERY_N_HOURS.matcher(s);
    if (m.matches()) {
      int n;
      try {
        n = Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        n = 0;
      }
      return n >= 1 && n <= 23
          ? null
          : "'every N hours' needs N between 1 and 23, got " + m.group(1) + "; use daily for 24";
    }
    String[] fields = schedule.trim().split("\\s+");
    if (fields.length == 5) {
      // Unix: minute hour day-of-month month day-of-week. Quartz: seconds first, and '?' in
      // one of the two day fields.
      boolean anyDow = fields[4].equals("*");
      String quartz = "0 " + fields[0] + " " + fields[1] + " " + (anyDow ? fields[2] : "?") + " " + fields[3]
          + " " + (anyDow ? "?" : fields[4]);
      return "looks like a 5-field Unix cron, got '" + schedule + "'; Quartz cron has seconds first and '?' in"
          + " day-of-month or day-of-week, e.g. '" + quartz + "'" + (anyDow ? "" : " (Quartz counts days of the"
          + " week from 1 = Sunday)");
    }
    if (fields.length < 6 || fields.length > 7) {
      return "must be hourly, daily, 'every N hours' or a Quartz cron expression"
          + " (6 or 7 fields, e.g. '0 0 * * * ?'), got '" + schedule + "'";
    }
    for (String f : fields) {
      if (!CRON_FIELD.matcher(f).matches()) {
        return "cron field '" + f + "' has characters Quartz does not accept, got '" + schedule + "'";
      }
    }
    boolean domAny = fields[3].equals("?");
    boolean dowAny = fields[5].equals("?");
    if (domAny == dowAny) {
      return "Quartz cron needs '?' in exactly one of day-of-month (4th field) and day-of-week"
          + " (6th field), got '" + schedule + "'; e.g. '0 0 * * * ?'";
    }
    return null;
  }
}
