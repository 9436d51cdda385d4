package dev.vigil.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.ViolationLine;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html rendered by a real browser (headless Chromium): the screenshot must show the chart,
 * the histogram and the heatmaps. Skipped, with a message, only where no Chromium binary exists.
 */
class HtmlReportBrowserTest {
  private static Path chromium;

  @TempDir Path dir;

  @BeforeAll
  static void findChromium() {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("CHROMIUM_BIN");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
        "/usr/bin/google-chrome-stable"));
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) {
        chromium = p;
        return;
      }
    }
    Assumptions.assumeTrue(false, "ASSUMPTION: no Chromium binary found (set CHROMIUM_BIN or "
        + "`apt-get install -y chromium`); the report.html browser rendering test is skipped");
  }

  private BufferedImage screenshot(Path html, String name) throws Exception {
    Path shot = dir.resolve(name + ".png");
    Path profile = Files.createDirectories(dir.resolve("profile-" + name));
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--window-size=1400,2200", "--screenshot=" + shot, html.toUri().toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s; log: " + Files.readString(dir.resolve(name + ".log")));
    }
    assertThat(shot).as("screenshot written; chromium log: %s", Files.readString(dir.resolve(name + ".log"))).exists();
    if (System.getenv("VIGIL_KEEP_SCREENSHOTS") != null) { // for a human look: target/screenshots/
      Path keep = Files.createDirectories(Path.of("target", "screenshots"));
      Files.copy(shot, keep.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(html, keep.resolve(name + ".html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return ImageIO.read(shot.toFile());
  }

  /** Pixels close to a fixture colour. */
  private static int count(BufferedImage img, java.awt.Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (Math.abs(r - c.getRed()) < 24 && Math.abs(g - c.getGreen()) < 24 && Math.abs(b - c.getBlue()) < 24) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void screenshotShowsChartsAndHeatmapsNotBrokenImages() throws Exception {
    String hostile = "<img src=x onerror=alert(1)>";
    AlertContent content = Fixtures.content("traffic-signs", Fixtures.WINDOW_START, List.of(
        Fixtures.stopShare(0.805),
        new ViolationLine("low_confidence_share", null, "top-1 confidence below 0.5 for " + hostile, 0.4, 0.3, 0.1,
            Severity.WARNING)), 4, hostile);
    Path html = dir.resolve("report.html");
    String page = HtmlReport.render(content);
    Files.writeString(html, page, StandardCharsets.UTF_8);
    assertThat(page).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;");

    BufferedImage img = screenshot(html, "report");
    int blue = count(img, Fixtures.CHART_BLUE);
    int green = count(img, Fixtures.HIST_GREEN);
    int magenta = count(img, Fixtures.HEAT_MAGENTA);
    int stopRed = count(img, new java.awt.Color(200, 20, 20));
    // Chart bars: ~16 bars of 19 px width; histogram: 10 bars; 4 overlays with a 74 px hot spot; 4 inputs.
    assertThat(blue).as("class distribution chart pixels").isGreaterThan(10_000);
    assertThat(green).as("confidence histogram pixels").isGreaterThan(10_000);
    assertThat(magenta).as("heatmap hot-spot pixels (4 overlays)").isGreaterThan(4 * 2_500);
    assertThat(stopRed).as("input images (4 stop signs)").isGreaterThan(4 * 10_000);

    // The same page with its images pointing nowhere: the check above must fail for it.
    Path broken = dir.resolve("broken.html");
    Files.writeString(broken, page.replace("data:image/png;base64,", "missing/"), StandardCharsets.UTF_8);
    BufferedImage brokenShot = screenshot(broken, "broken");
    assertThat(count(brokenShot, Fixtures.CHART_BLUE)).isLessThan(1_000);
    assertThat(count(brokenShot, Fixtures.HEAT_MAGENTA)).isLessThan(1_000);
  }
}
