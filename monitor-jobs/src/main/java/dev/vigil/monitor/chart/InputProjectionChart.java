package dev.vigil.monitor.chart;

import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.signals.InputSignals;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The window's and the baseline's samples of embeddings on the first two principal components of
 * both together: drifted inputs show as a cloud apart from the baseline's.
 */
public final class InputProjectionChart {
  private InputProjectionChart() {}

  /** Whether {@code report} has a projection to draw. */
  public static boolean available(MonitorReport report) {
    return report.signals() != null && report.signals().projection() != null;
  }

  /**
   * The scatter plot as PNG.
   *
   * @throws IllegalArgumentException when the report has no projection ({@link #available})
   */
  public static byte[] png(MonitorReport report) {
    if (!available(report)) {
      throw new IllegalArgumentException("the report has no embedding projection (saliency.signals off or no baseline"
          + " signals)");
    }
    InputSignals s = report.signals();
    InputSignals.Projection p = s.projection();
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(series("baseline (" + p.baseline().length + ")", p.baseline()));
    data.addSeries(series("window (" + p.window().length + ")", p.window()));
    String verdict = s.pValue() == null ? "" : String.format(Locale.ROOT, ", %s p = %.3g", s.method().configName(),
        s.pValue());
    JFreeChart chart = ChartFactory.createScatterPlot(
        "Input embeddings (" + s.embeddingNode() + "), " + report.endpoint() + ", " + Charts.window(report) + verdict,
        String.format(Locale.ROOT, "PC 1 (PC 1 + PC 2: %.0f%% of the variance)", 100 * p.explained()), "PC 2", data,
        PlotOrientation.VERTICAL, true, false, false);
    Charts.style(chart);
    XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
    r.setSeriesPaint(0, new Color(0x7F, 0x8C, 0x8D, 160));
    r.setSeriesPaint(1, new Color(0xC0, 0x39, 0x2B, 160));
    r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
    r.setSeriesShape(1, new Ellipse2D.Double(-3, -3, 6, 6));
    return Charts.png(chart, Charts.WIDTH, Charts.HEIGHT);
  }

  private static XYSeries series(String name, float[][] points) {
    XYSeries s = new XYSeries(name, false, true);
    for (float[] xy : points) {
      s.add(xy[0], xy[1]);
    }
    return s;
  }
}
