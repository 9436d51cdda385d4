package dev.vigil.monitor.chart;

import dev.vigil.monitor.check.BaselineComparison;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.stats.ClassStatistics;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/**
 * PNG charts of a report (JFreeChart, headless: no display needed). Sizes are fixed so e-mails
 * lay out predictably.
 */
public final class Charts {
  /** Width and height of every chart, in pixels. */
  public static final int WIDTH = 960;
  public static final int HEIGHT = 420;
  /** Classes drawn in the share-history chart: the ones with the highest latest share. */
  public static final int HISTORY_CLASSES = 6;
  /**
   * Height per class of the class-distribution chart: with many classes it grows beyond {@link
   * #HEIGHT} rather than squeezing the names.
   */
  public static final int PIXELS_PER_CLASS = 22;
  /** Share of the chart width class names may take; longer names wrap onto a second line, never "Speed lim...". */
  static final float CLASS_NAME_WIDTH = 0.35f;
  static final int CLASS_NAME_LINES = 2;

  /** Window times in titles and axes: {@code 2026-11-22 10:00Z}, never an instant's nanoseconds. */
  private static final java.time.format.DateTimeFormatter WHEN =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
  /** The same to the second, for windows that do not start and end on whole minutes (run-once, the demo). */
  private static final java.time.format.DateTimeFormatter WHEN_SECONDS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

  static {
    // Rendering must never try to open a display (servers, containers, CI).
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * Top-1 class shares of the window next to the baseline's (window only without a baseline):
   * horizontal bars, class names in full on the left.
   */
  public static byte[] classDistribution(MonitorReport report) {
    JFreeChart chart = classDistributionChart(report);
    return png(chart, WIDTH, classDistributionHeight(report));
  }

  static int classDistributionHeight(MonitorReport report) {
    return Math.max(HEIGHT, 120 + PIXELS_PER_CLASS * report.statistics().classes().size());
  }

  /**
   * {@code 2026-11-22 10:00Z - 11:00Z} (the end's date too when it differs); to the second when
   * a bound is not on a whole minute, so a short window never reads {@code 06:11Z - 06:11Z}.
   */
  static String window(MonitorReport report) {
    boolean minutes = report.windowStart().getEpochSecond() % 60 == 0 && report.windowEnd().getEpochSecond() % 60 == 0;
    java.time.format.DateTimeFormatter when = minutes ? WHEN : WHEN_SECONDS;
    String start = when.format(report.windowStart());
    String end = when.format(report.windowEnd());
    return start + " - " + (end.substring(0, 10).equals(start.substring(0, 10)) ? end.substring(11) : end);
  }

  static JFreeChart classDistributionChart(MonitorReport report) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    if (report.comparison() != null) {
      for (BaselineComparison.ClassDelta c : report.comparison().classes()) {
        data.addValue(c.share(), "window", c.label());
        data.addValue(c.baselineShare(), "baseline", c.label());
      }
    } else {
      for (ClassStatistics c : report.statistics().classes()) {
        data.addValue(c.share(), "window", c.label());
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "Predicted classes, " + report.endpoint() + ", " + window(report),
        "class", "share of top-1 predictions", data, PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(CLASS_NAME_WIDTH);
    plot.getDomainAxis().setMaximumCategoryLabelLines(CLASS_NAME_LINES);
    style(chart);
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setSeriesPaint(0, new Color(0xC0392B));
    r.setSeriesPaint(1, new Color(0x7F8C8D));
    return chart;
  }

  /** Histogram of top-1 confidences (empty chart when the format carries none). */
  public static byte[] confidenceHistogram(MonitorReport report) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<Long> bins = report.statistics().confidence().histogram();
    for (int b = 0; b < bins.size(); b++) {
      data.addValue(bins.get(b), "records",
          String.format(Locale.ROOT, "%.2f", (double) b / bins.size()));
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "Top-1 confidence, " + report.endpoint() + ", " + window(report), "top-1 confidence (bin start)", "records",
        data, PlotOrientation.VERTICAL, false, false, false);
    style(chart);
    BarRenderer r = (BarRenderer) chart.getCategoryPlot().getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setSeriesPaint(0, new Color(0x2980B9));
    return png(chart);
  }

  /**
   * Per-class share over recent windows (oldest first), one line per class for the {@value
   * #HISTORY_CLASSES} classes with the highest share in the latest window.
   */
  public static byte[] classShareHistory(List<MonitorReport> recent) {
    TimeSeriesCollection data = new TimeSeriesCollection();
    if (!recent.isEmpty()) {
      MonitorReport latest = recent.get(recent.size() - 1);
      List<ClassStatistics> top = latest.statistics().classes().stream()
          .sorted(Comparator.comparingDouble(ClassStatistics::share).reversed())
          .limit(HISTORY_CLASSES).toList();
      for (ClassStatistics c : top) {
        TimeSeries s = new TimeSeries(c.label());
        for (MonitorReport r : recent) {
          s.addOrUpdate(new Millisecond(java.util.Date.from(r.windowStart())), r.statistics().shareOf(c.label()));
        }
        data.addSeries(s);
      }
    }
    String endpoint = recent.isEmpty() ? "" : recent.get(0).endpoint();
    JFreeChart chart = ChartFactory.createTimeSeriesChart(
        "Class share over recent windows, " + endpoint, "window start (UTC)", "share of top-1 predictions",
        data, true, false, false);
    java.text.SimpleDateFormat axis = new java.text.SimpleDateFormat("MM-dd HH:mm", Locale.ROOT);
    axis.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
    ((org.jfree.chart.axis.DateAxis) chart.getXYPlot().getDomainAxis()).setDateFormatOverride(axis);
    style(chart);
    return png(chart);
  }

  static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(new Color(0xFAFAFA));
  }

  private static byte[] png(JFreeChart chart) {
    return png(chart, WIDTH, HEIGHT);
  }

  static byte[] png(JFreeChart chart, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
