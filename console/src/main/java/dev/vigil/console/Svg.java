package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The console's charts, rendered on the server as inline SVG: no script, no CDN, readable
 * without JavaScript, and every text escaped. Class names are never cut: bar charts put them on
 * the left in full (the chart grows to fit), and line charts name their series in an HTML legend
 * that wraps. Times read as {@code 2026-11-22 10:00Z}.
 *
 * <p>Every chart is an {@code <svg class="chart">} whose {@code data-marks} attribute counts what
 * was drawn (points, bars), so a test can tell a drawn chart from an empty frame.
 */
final class Svg {
  /** Series colours (Tableau 10), in order. */
  static final String[] PALETTE = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
  };
  static final String ALARM = "#c0392b";
  static final int WIDTH = 900;
  static final int HEIGHT = 260;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 12;
  private static final int BOTTOM = 36;
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Duration[] STEPS = {
    Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6),
    Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(7), Duration.ofDays(30),
    Duration.ofDays(90), Duration.ofDays(365)
  };

  private Svg() {}

  /** A value at a time. */
  record Point(Instant t, double v) {}

  /** A named line. */
  record Series(String name, List<Point> points) {}

  /** A time axis from {@code from} to {@code to} (at least one second apart). */
  private record TimeAxis(Instant from, Instant to) {
    double x(Instant t) {
      double span = Math.max(1, Duration.between(from, to).getSeconds());
      return LEFT + (WIDTH - LEFT - RIGHT) * Duration.between(from, t).getSeconds() / span;
    }
  }

  /**
   * Lines over time, y from 0 to {@code yMax}.
   *
   * @param percent whether y values are shares (ticks as percentages)
   */
  static String timeLines(String id, String title, List<Series> series, Instant from, Instant to, double yMax,
      boolean percent) {
    TimeAxis axis = new TimeAxis(from, to.isAfter(from) ? to : from.plusSeconds(1));
    StringBuilder s = open(id, title, WIDTH, HEIGHT);
    int marks = 0;
    frame(s, axis, yMax, percent);
    for (int i = 0; i < series.size(); i++) {
      Series line = series.get(i);
      String colour = PALETTE[i % PALETTE.length];
      StringBuilder d = new StringBuilder();
      for (Point p : line.points()) {
        d.append(d.length() == 0 ? "M" : " L").append(fmt(axis.x(p.t()))).append(',').append(fmt(y(p.v(), yMax)));
      }
      if (d.length() > 0) {
        s.append("<path class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour)
            .append("\" d=\"").append(d).append("\"><title>").append(html(line.name())).append("</title></path>");
      }
      for (Point p : line.points()) {
        s.append("<circle r=\"2.5\" fill=\"").append(colour).append("\" cx=\"").append(fmt(axis.x(p.t())))
            .append("\" cy=\"").append(fmt(y(p.v(), yMax))).append("\"><title>").append(html(line.name()))
            .append(' ').append(html(when(p.t()))).append(": ").append(value(p.v(), percent)).append("</title></circle>");
        marks++;
      }
    }
    return close(s, marks);
  }

  /** Bars over time (e.g. violations per window); {@code alarm} bars are drawn in red. */
  static String timeBars(String id, String title, List<Point> points, Instant from, Instant to) {
    TimeAxis axis = new TimeAxis(from, to.isAfter(from) ? to : from.plusSeconds(1));
    double max = Math.max(1, points.stream().mapToDouble(Point::v).max().orElse(1));
    StringBuilder s = open(id, title, WIDTH, HEIGHT);
    frame(s, axis, max, false);
    double w = Math.max(2, Math.min(24, (WIDTH - LEFT - RIGHT) / Math.max(1.0, points.size()) * 0.7));
    int marks = 0;
    for (Point p : points) {
      double top = y(p.v(), max);
      s.append("<rect class=\"bar\" fill=\"").append(p.v() > 0 ? ALARM : PALETTE[0]).append("\" x=\"")
          .append(fmt(axis.x(p.t()) - w / 2)).append("\" y=\"").append(fmt(top)).append("\" width=\"").append(fmt(w))
          .append("\" height=\"").append(fmt(Math.max(p.v() > 0 ? 0 : 1, HEIGHT - BOTTOM - top))).append("\"><title>")
          .append(html(when(p.t()))).append(": ").append(value(p.v(), false)).append("</title></rect>");
      marks++;
    }
    return close(s, marks);
  }

  /** A small trend line; points whose {@code alarm} is set get a red dot. */
  static String sparkline(List<Double> values, List<Boolean> alarm, double yMax) {
    int w = 160;
    int h = 32;
    StringBuilder s = new StringBuilder("<svg class=\"chart sparkline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" role=\"img\" aria-label=\"trend\" data-marks=\"").append(values.size()).append("\">");
    StringBuilder d = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      double x = values.size() == 1 ? w / 2.0 : 2 + (w - 4) * i / (double) (values.size() - 1);
      double y = h - 3 - (h - 6) * Math.min(1, values.get(i) / yMax);
      d.append(d.length() == 0 ? "M" : " L").append(fmt(x)).append(',').append(fmt(y));
      if (alarm.get(i)) {
        dots.append("<circle r=\"2.5\" fill=\"").append(ALARM).append("\" cx=\"").append(fmt(x)).append("\" cy=\"")
            .append(fmt(y)).append("\"/>");
      }
    }
    if (values.size() == 1) {
      d.append(" L").append(fmt(w / 2.0 + 1)).append(d.substring(d.indexOf(",")));
    }
    s.append("<path fill=\"none\" stroke=\"").append(PALETTE[0]).append("\" stroke-width=\"1.5\" d=\"").append(d)
        .append("\"/>").append(dots).append("</svg>");
    return s.toString();
  }

  /**
   * Horizontal bars, one row per class with its full name on the left: the window's share and,
   * when given, the baseline's under it.
   */
  static String classBars(String id, String title, List<String> labels, List<Double> window, List<Double> baseline) {
    int longest = labels.stream().mapToInt(String::length).max().orElse(4);
    int left = Math.min(420, 16 + 7 * longest); // ~7 px per character at 12 px
    int row = baseline == null ? 18 : 28;
    int height = TOP + BOTTOM + row * labels.size();
    double max = Math.max(0.05, Math.max(maxOf(window), baseline == null ? 0 : maxOf(baseline)));
    StringBuilder s = open(id, title, WIDTH, height);
    double plot = WIDTH - left - RIGHT - 48;
    int marks = 0;
    for (int i = 0; i < labels.size(); i++) {
      double y0 = TOP + i * row;
      s.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(fmt(y0 + row / 2.0 + 4))
          .append("\" text-anchor=\"end\">").append(html(labels.get(i))).append("</text>");
      marks += bar(s, left, y0 + 2, plot * window.get(i) / max, baseline == null ? row - 4 : 12, PALETTE[0],
          labels.get(i) + " window: " + value(window.get(i), true), value(window.get(i), true));
      if (baseline != null) {
        marks += bar(s, left, y0 + 14, plot * baseline.get(i) / max, 10, "#9aa5ad",
            labels.get(i) + " baseline: " + value(baseline.get(i), true), null);
      }
    }
    return close(s, marks);
  }

  /** A histogram of counts over equal bins of [0, 1]. */
  static String histogram(String id, String title, List<Long> bins) {
    StringBuilder s = open(id, title, WIDTH, HEIGHT);
    double max = Math.max(1, bins.stream().mapToLong(Long::longValue).max().orElse(1));
    double step = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, bins.size());
    frameY(s, max, false);
    int marks = 0;
    for (int b = 0; b < bins.size(); b++) {
      double top = y(bins.get(b), max);
      double x = LEFT + b * step;
      s.append("<rect class=\"bar\" fill=\"").append(PALETTE[3]).append("\" x=\"").append(fmt(x + 1)).append("\" y=\"")
          .append(fmt(top)).append("\" width=\"").append(fmt(step - 2)).append("\" height=\"")
          .append(fmt(HEIGHT - BOTTOM - top)).append("\"><title>").append(fmt2((double) b / bins.size())).append("-")
          .append(fmt2((double) (b + 1) / bins.size())).append(": ").append(bins.get(b)).append("</title></rect>");
      if (b % Math.max(1, bins.size() / 10) == 0) {
        s.append(tick(x, fmt2((double) b / bins.size())));
      }
      marks++;
    }
    return close(s, marks);
  }

  /** The HTML legend of line series (wraps; names in full). */
  static String legend(List<Series> series) {
    StringBuilder h = new StringBuilder("<ul class=\"legend\">");
    for (int i = 0; i < series.size(); i++) {
      h.append("<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"")
          .append(PALETTE[i % PALETTE.length]).append("\"/></svg> ").append(html(series.get(i).name())).append("</li>");
    }
    return h.append("</ul>").toString();
  }

  /** {@code 2026-11-22 10:00Z}. */
  static String when(Instant t) {
    return dev.vigil.alerts.Text.when(t);
  }

  private static int bar(StringBuilder s, double x, double y, double w, double h, String fill, String tip,
      String text) {
    s.append("<rect class=\"bar\" fill=\"").append(fill).append("\" x=\"").append(fmt(x)).append("\" y=\"")
        .append(fmt(y)).append("\" width=\"").append(fmt(Math.max(1, w))).append("\" height=\"").append(fmt(h))
        .append("\"><title>").append(html(tip)).append("</title></rect>");
    if (text != null) {
      s.append("<text class=\"value\" x=\"").append(fmt(x + Math.max(1, w) + 4)).append("\" y=\"")
          .append(fmt(y + h - 2)).append("\">").append(html(text)).append("</text>");
    }
    return 1;
  }

  private static StringBuilder open(String id, String title, int w, int h) {
    return new StringBuilder(4096).append("<figure class=\"chart-box\"><figcaption>").append(html(title))
        .append("</figcaption><svg id=\"").append(html(id)).append("\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"")
        .append(" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
        .append(html(title)).append("\">");
  }

  private static String close(StringBuilder s, int marks) {
    // data-marks goes on the <svg> element: insert it before the first '>' of the svg tag.
    int svg = s.indexOf("<svg id=");
    int end = s.indexOf(">", svg);
    s.insert(end, " data-marks=\"" + marks + "\"");
    return s.append("</svg></figure>").toString();
  }

  private static void frame(StringBuilder s, TimeAxis axis, double yMax, boolean percent) {
    frameY(s, yMax, percent);
    Duration span = Duration.between(axis.from(), axis.to());
    Duration step = STEPS[STEPS.length - 1];
    for (Duration d : STEPS) {
      if (span.dividedBy(d) <= 8) {
        step = d;
        break;
      }
    }
    boolean days = step.compareTo(Duration.ofDays(1)) >= 0;
    long stepSeconds = step.getSeconds();
    long first = Math.floorDiv(axis.from().getEpochSecond() + stepSeconds - 1, stepSeconds) * stepSeconds;
    for (long t = first; t <= axis.to().getEpochSecond(); t += stepSeconds) {
      Instant at = Instant.ofEpochSecond(t);
      s.append(tick(axis.x(at), days ? DAY.format(at) : HOUR.format(at)));
    }
  }

  private static void frameY(StringBuilder s, double yMax, boolean percent) {
    s.append("<g class=\"axis\">");
    for (int i = 0; i <= 4; i++) {
      double v = yMax * i / 4;
      double y = y(v, yMax);
      s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y))
          .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e3e3e3\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4)).append("\" text-anchor=\"end\">")
          .append(percent ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : fmt2(v)).append("</text>");
    }
    s.append("</g>");
  }

  private static String tick(double x, String label) {
    // A label at either edge is anchored inwards so it is not cut by the frame.
    String anchor = x > WIDTH - RIGHT - 48 ? "end" : x < LEFT + 24 ? "start" : "middle";
    return "<text class=\"tick\" x=\"" + fmt(x) + "\" y=\"" + (HEIGHT - BOTTOM + 16) + "\" text-anchor=\"" + anchor
        + "\">" + html(label) + "</text>";
  }

  private static double y(double v, double yMax) {
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * Math.max(0, Math.min(1, v / yMax));
  }

  private static double maxOf(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  static String value(double v, boolean percent) {
    return percent ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : fmt2(v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String fmt2(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
