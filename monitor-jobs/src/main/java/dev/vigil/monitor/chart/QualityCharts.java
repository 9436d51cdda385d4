package dev.vigil.monitor.chart;

import dev.vigil.monitor.quality.GroundTruthStatistics;
import dev.vigil.monitor.report.MonitorReport;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The confusion-matrix chart of a window's labelled predictions (JFreeChart, like {@link Charts}):
 * a heat map, true class down, predicted class across, each cell coloured by its share of the
 * true class (the row's recall for the diagonal) and labelled with its count. Only classes that
 * occur as a label or a prediction are drawn, so 43 classes with 5 in play give a 5 x 5 chart.
 */
public final class QualityCharts {
  /** Pixels per class row/column, beyond a minimum size. */
  static final int PIXELS_PER_CELL = 48;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private QualityCharts() {}

  /** Whether the report has a confusion matrix to draw. */
  public static boolean hasConfusion(MonitorReport report) {
    GroundTruthStatistics g = report.statistics().groundTruth();
    return g != null && g.confusion() != null && g.labelled() > 0;
  }

  /**
   * The chart as PNG.
   *
   * @throws IllegalArgumentException when the report has no confusion matrix ({@link #hasConfusion})
   */
  public static byte[] confusionMatrix(MonitorReport report) {
    if (!hasConfusion(report)) {
      throw new IllegalArgumentException("the report of " + report.endpoint() + " has no labelled predictions");
    }
    GroundTruthStatistics g = report.statistics().groundTruth();
    List<List<Long>> c = g.confusion();
    List<Integer> shown = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      long row = 0;
      long col = 0;
      for (int j = 0; j < c.size(); j++) {
        row += c.get(i).get(j);
        col += c.get(j).get(i);
      }
      if (row > 0 || col > 0) {
        shown.add(i);
      }
    }
    int k = shown.size();
    String[] names = new String[k];
    double[] xs = new double[k * k];
    double[] ys = new double[k * k];
    double[] zs = new double[k * k];
    DefaultXYZDataset data = new DefaultXYZDataset();
    List<XYTextAnnotation> counts = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      int i = shown.get(a);
      names[a] = g.confusionLabels().get(i);
      long rowSum = 0;
      for (long v : c.get(i)) {
        rowSum += v;
      }
      for (int b = 0; b < k; b++) {
        long v = c.get(i).get(shown.get(b));
        int cell = a * k + b;
        xs[cell] = b;
        ys[cell] = k - 1 - a; // first class on top
        zs[cell] = rowSum == 0 ? 0 : (double) v / rowSum;
        if (v > 0) {
          XYTextAnnotation t = new XYTextAnnotation(Long.toString(v), b, k - 1 - a);
          t.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
          t.setPaint(zs[cell] > 0.5 ? Color.WHITE : Color.BLACK);
          counts.add(t);
        }
      }
    }
    data.addSeries("confusion", new double[][] {xs, ys, zs});
    String[] reversed = new String[k];
    for (int a = 0; a < k; a++) {
      reversed[a] = names[k - 1 - a];
    }
    SymbolAxis predicted = new SymbolAxis("predicted class", names);
    predicted.setVerticalTickLabels(k > 6);
    SymbolAxis truth = new SymbolAxis("true class (label)", reversed);
    XYBlockRenderer renderer = new XYBlockRenderer();
    LookupPaintScale scale = new LookupPaintScale(0, 1.0001, new Color(0xF4F6FA));
    for (int s = 1; s <= 10; s++) { // white to dark blue in ten steps of the row share
      float f = s / 10f;
      scale.add(s / 10.0 - 0.1 + 1e-9, new Color(1 - 0.85f * f, 1 - 0.6f * f, 1 - 0.25f * f));
    }
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, predicted, truth, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    counts.forEach(plot::addAnnotation);
    String title = String.format(Locale.ROOT, "Confusion matrix, %s: %d labelled predictions, accuracy %.1f%%%s",
        Charts.window(report), g.labelled(), g.accuracy() * 100,
        g.estimatedAccuracy() == null ? "" : String.format(Locale.ROOT, " (estimated %.1f%%)", g.estimatedAccuracy() * 100));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
    NumberAxis legendAxis = new NumberAxis("share of the true class");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    int side = Math.max(360, 180 + PIXELS_PER_CELL * k);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
      ChartUtils.writeChartAsPNG(out, chart, side + 260, side);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
