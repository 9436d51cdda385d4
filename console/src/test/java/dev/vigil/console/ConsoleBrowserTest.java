package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The console in a real browser: headless Chromium driven through WebDriver by the system's
 * chromedriver (Debian's chromium and chromium-driver; never a driver downloaded at run time).
 * Navigates home, endpoint, window, sample; every page must load without console errors, its
 * charts must be drawn (pixels, not an empty frame) and its images decoded. Skipped, with a
 * message, where chromium or chromedriver is not installed.
 *
 * <p>{@code VIGIL_CONSOLE_SCREENSHOT=FILE} writes the endpoint page's screenshot there (the
 * README's picture).
 */
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private static ConsoleFixture fx;
  private static ConsoleServer server;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    String binary = System.getenv().getOrDefault("CHROMIUM_BIN", CHROMIUM.toString());
    String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER_BIN", CHROMEDRIVER.toString());
    Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)) && Files.isExecutable(Path.of(chromedriver)),
        "ASSUMPTION: no " + binary + " or " + chromedriver + " (apt-get install -y chromium chromium-driver);"
            + " the console's browser test is skipped");
    fx = ConsoleFixture.get();
    server = new ConsoleServer(fx.config, fx.s3, "127.0.0.1", 0, Clock.systemUTC());
    // The system driver, named explicitly: Selenium Manager (which would download one) never runs.
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(chromedriver).toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(binary)
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--window-size=1280,1600", "--hide-scrollbars");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Console messages of level warning or worse since the last call (errors, failed loads, CSP). */
  private List<String> consoleProblems() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        out.add(e.getLevel() + " " + e.getMessage());
      }
    }
    return out;
  }

  private void assertLoadedCleanly(String what) throws InterruptedException {
    waitUntil(what + " loaded", () ->
        "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
    // Every <img> decoded (lazy ones scrolled into view first).
    ((JavascriptExecutor) driver).executeScript("document.querySelectorAll('img').forEach(i => i.loading = 'eager')");
    waitUntil(what + " images", () -> (Boolean) ((JavascriptExecutor) driver).executeScript(
        "return Array.from(document.images).every(i => i.complete)"));
    Object broken = ((JavascriptExecutor) driver).executeScript(
        "return Array.from(document.images).filter(i => !i.hidden && i.id !== 'fullgrad-img' && i.naturalWidth === 0)"
            + ".map(i => i.src)");
    assertThat((List<?>) broken).as("%s: images that did not decode", what).isEmpty();
    assertThat(consoleProblems()).as("%s: browser console", what).isEmpty();
  }

  private static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Distinct colours in an element's screenshot: a drawn chart has many, an empty frame one or two. */
  private static int colours(WebElement e) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(e.getScreenshotAs(OutputType.BYTES)));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        seen.add(img.getRGB(x, y) & 0xF0F0F0);
      }
    }
    return seen.size();
  }

  private void assertChartsDrawn(String what) throws Exception {
    List<WebElement> charts = driver.findElements(By.cssSelector("svg.chart:not(.sparkline)"));
    assertThat(charts).as("%s: charts", what).isNotEmpty();
    for (WebElement c : charts) {
      assertThat(Integer.parseInt(c.getAttribute("data-marks"))).as("%s: marks of %s", what, c.getAttribute("id"))
          .isGreaterThan(0);
      assertThat(c.getRect().getHeight()).as("%s: height of %s", what, c.getAttribute("id")).isGreaterThan(50);
      assertThat(colours(c)).as("%s: colours drawn in %s", what, c.getAttribute("id")).isGreaterThan(3);
    }
  }

  @Test
  void navigatesHomeEndpointWindowSampleWithoutConsoleErrors() throws Exception {
    // The detector itself: a failed load must show up as a console problem.
    driver.get(base() + "/no-such-page");
    assertThat(consoleProblems()).as("console problems of a 404").isNotEmpty();

    driver.get(base() + "/");
    assertLoadedCleanly("home");
    assertThat(driver.findElements(By.cssSelector("svg.sparkline"))).hasSize(1);

    driver.findElement(By.linkText(ConsoleFixture.ENDPOINT)).click();
    assertLoadedCleanly("endpoint");
    assertThat(driver.getTitle()).startsWith(ConsoleFixture.ENDPOINT);
    assertChartsDrawn("endpoint");
    String shot = System.getenv("VIGIL_CONSOLE_SCREENSHOT");
    if (shot != null && !shot.isBlank()) {
      Files.write(Path.of(shot), driver.getScreenshotAs(OutputType.BYTES));
    }

    // The newest window (first row) over-predicts Stop.
    driver.findElement(By.cssSelector("#windows tbody tr a")).click();
    assertLoadedCleanly("window");
    assertThat(driver.findElement(By.id("violations")).getText()).contains("class_share_exceeded");
    assertChartsDrawn("window");
    List<WebElement> overlays = driver.findElements(By.cssSelector(".sample img.overlay"));
    assertThat(overlays).isNotEmpty();
    assertThat(colours(overlays.get(0))).as("heatmap colours").isGreaterThan(8);

    driver.findElement(By.cssSelector(".sample h3 a")).click();
    assertLoadedCleanly("sample");
    assertThat(driver.findElement(By.id("event")).getText()).contains("traffic-signs");
    driver.findElement(By.id("run-fullgrad")).click();
    waitUntil("FullGrad", () -> driver.findElement(By.id("fullgrad-status")).getText().equals("done"));
    assertThat(driver.findElement(By.id("fullgrad-img")).getRect().getWidth()).isGreaterThan(100);
    assertThat(consoleProblems()).as("after FullGrad").isEmpty();

    driver.get(base() + "/endpoints/" + ConsoleFixture.ENDPOINT + "/baseline");
    assertLoadedCleanly("baseline");
    assertChartsDrawn("baseline");
  }
}
