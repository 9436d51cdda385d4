package dev.vigil.monitor.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.stats.ClassStatistics;
import dev.vigil.monitor.stats.ConfidenceStatistics;
import dev.vigil.monitor.stats.WindowStatistics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.junit.jupiter.api.Test;

/** Charts people can read: window times without nanoseconds, class names in full. */
class ChartsTest {
  private static MonitorReport report(int classes, Instant start, Instant end) {
    List<ClassStatistics> cs = new ArrayList<>();
    for (int i = 0; i < classes; i++) {
      cs.add(new ClassStatistics(i, "End of no passing by vehicles over 3.5 metric tons " + i, 10, 1.0 / classes, 0.9));
    }
    ConfidenceStatistics conf = new ConfidenceStatistics(true, 0.5, 0.9, Map.of(), 0.0, 0.0, 0.5, 0.3,
        Collections.nCopies(20, 1L));
    WindowStatistics w = new WindowStatistics(10L * classes, 10L * classes, cs, conf, Map.of(), 0, 1, Map.of(), List.of());
    return new MonitorReport("traffic-signs", "v1", start, end, end, "s3", "probabilities", w, null, null,
        Constraints.defaults(), List.of(), List.of(), List.of(), 1);
  }

  @Test
  void titlesShowTheWindowAsMinutesUtcWithoutNanoseconds() {
    MonitorReport r = report(3, Instant.parse("2026-11-22T10:00:00.123456789Z"), Instant.parse("2026-11-22T11:00:00Z"));
    String title = Charts.classDistributionChart(r).getTitle().getText();
    assertThat(title).isEqualTo("Predicted classes, traffic-signs, 2026-11-22 10:00Z - 11:00Z");
    assertThat(Charts.window(report(3, Instant.parse("2026-11-22T23:00:00Z"), Instant.parse("2026-11-23T01:00:00Z"))))
        .isEqualTo("2026-11-22 23:00Z - 2026-11-23 01:00Z");
    assertThat(Charts.window(report(3, Instant.parse("2026-12-02T06:11:37.5Z"), Instant.parse("2026-12-02T06:11:39Z"))))
        .as("a window of seconds").isEqualTo("2026-12-02 06:11:37Z - 06:11:39Z");
  }

  @Test
  void classNamesGetTheirOwnColumnAndWrapInsteadOfBeingCut() {
    JFreeChart chart = Charts.classDistributionChart(report(5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600)));
    assertThat(chart.getCategoryPlot().getOrientation()).isEqualTo(PlotOrientation.HORIZONTAL);
    CategoryAxis axis = chart.getCategoryPlot().getDomainAxis();
    assertThat(axis.getMaximumCategoryLabelWidthRatio()).isGreaterThanOrEqualTo(0.3f);
    assertThat(axis.getMaximumCategoryLabelLines()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void manyClassesMakeATallerChartRatherThanSqueezedNames() throws Exception {
    BufferedImage few = ImageIO.read(new ByteArrayInputStream(
        Charts.classDistribution(report(5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600)))));
    BufferedImage many = ImageIO.read(new ByteArrayInputStream(
        Charts.classDistribution(report(43, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600)))));
    assertThat(few.getHeight()).isEqualTo(Charts.HEIGHT);
    assertThat(many.getHeight()).isGreaterThanOrEqualTo(43 * Charts.PIXELS_PER_CLASS);
  }
}
