package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConsoleAuthType;
import dev.vigil.config.ConsoleConfig;
import dev.vigil.config.Secret;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.report.MonitorReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console over a real S3 filled by the monitor and the replay (see {@link ConsoleFixture}), through HTTP. */
class ConsoleServerTest {
  private static ConsoleFixture fx;
  private static ConsoleServer server;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fx = ConsoleFixture.get();
    server = new ConsoleServer(fx.config, fx.s3, "127.0.0.1", 0, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static HttpResponse<String> get(ConsoleServer s, String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return get(server, path, null);
  }

  private static byte[] bytes(String path) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
    return r.body();
  }

  private static String windowPath(int w) {
    MonitorReport r = fx.reports.get(w);
    return Html.windowHref(ConsoleFixture.ENDPOINT, new WindowId(r.windowStart(), r.windowEnd()));
  }

  @Test
  void homeListsTheEndpointWithItsLastWindowOpenViolationsAndTrend() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'");
    String page = r.body();
    assertThat(page).contains("href=\"/endpoints/traffic-signs\"")
        .contains("class_share_exceeded Stop (")
        .contains("href=\"" + windowPath(ConsoleFixture.WINDOWS - 1) + "\"")
        .contains("data-marks=\"" + ConsoleFixture.WINDOWS + "\"");
  }

  @Test
  void endpointPageDrawsTimelinesOfEveryWindowAndEscapesClassNames() throws Exception {
    String page = get("/endpoints/traffic-signs?last=all").body();
    assertThat(page).contains(ConsoleFixture.WINDOWS + " window(s)");
    assertThat(marks(page, "class-shares")).isGreaterThanOrEqualTo(ConsoleFixture.WINDOWS * 2);
    assertThat(marks(page, "violations")).isEqualTo(ConsoleFixture.WINDOWS);
    assertThat(page).contains("Speed limit (30km/h)").contains("No entry &lt;b&gt;bold&lt;/b&gt;")
        .doesNotContain("<b>bold</b>");
    // Times are human-readable, never ISO instants with nanoseconds.
    assertThat(page).doesNotContainPattern("\\d{2}:\\d{2}:\\d{2}\\.\\d+Z");
  }

  @Test
  void aRangeOutsideTheHistoryShowsNoWindowsAndABadOneIsA400() throws Exception {
    assertThat(get("/endpoints/traffic-signs?from=2001-01-01&to=2001-01-02").body()).contains("0 window(s)");
    HttpResponse<String> bad = get("/endpoints/traffic-signs?from=yesterday");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("from must be a date");
    assertThat(get("/endpoints/no-such-endpoint").statusCode()).isEqualTo(400);
  }

  @Test
  void windowPageShowsViolationsChartsAndTheGalleryWithHeatmapsFromS3() throws Exception {
    String page = get(windowPath(ConsoleFixture.WINDOWS - 1)).body();
    assertThat(page).contains("id=\"violations\"").contains("class_share_exceeded");
    assertThat(marks(page, "class-distribution")).isEqualTo(2 * ConsoleFixture.LABELS.size());
    assertThat(marks(page, "confidence-histogram")).isGreaterThan(0);
    assertThat(page).contains("class=\"sample\"").contains("FullGrad heatmap").contains("&lt; previous window");
    Matcher overlay = Pattern.compile("class=\"overlay\" loading=\"lazy\" alt=\"FullGrad heatmap\" src=\"([^\"]+)\"")
        .matcher(page);
    assertThat(overlay.find()).isTrue();
    BufferedImage heatmap = ImageIO.read(new ByteArrayInputStream(bytes(overlay.group(1).replace("&amp;", "&"))));
    assertThat(heatmap.getWidth()).isEqualTo(48);
    Matcher input = Pattern.compile("class=\"input\" loading=\"lazy\" alt=\"input\" src=\"([^\"]+)\"").matcher(page);
    assertThat(input.find()).isTrue();
    assertThat(ImageIO.read(new ByteArrayInputStream(bytes(input.group(1).replace("&amp;", "&"))))).isNotNull();
    assertThat(bytes(windowPath(0) + "/files/class_distribution.png")).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void aQuietWindowSaysSoAndAMissingOneIs404() throws Exception {
    assertThat(get(windowPath(1)).body()).contains("No violations in this window.");
    assertThat(get("/endpoints/traffic-signs/windows/20010101T000000Z_20010101T010000Z").statusCode()).isEqualTo(404);
    assertThat(get(windowPath(1) + "/files/..%2Fsecret.png").statusCode()).isEqualTo(404);
  }

  @Test
  void baselinePageShowsItsDistributionAndConstraints() throws Exception {
    String page = get("/endpoints/traffic-signs/baseline").body();
    assertThat(page).contains("s3://" + fx.stack.s3Bucket() + "/baselines/traffic-signs")
        .contains("id=\"constraints\"").contains("classShareMax");
    assertThat(marks(page, "baseline-distribution")).isEqualTo(ConsoleFixture.LABELS.size());
  }

  @Test
  void eventLookupFindsAFlaggedSampleByItsIdAlone() throws Exception {
    String id = fx.reports.get(ConsoleFixture.WINDOWS - 1).flaggedSamples().get(0).eventId();
    String page = get("/event?id=" + id).body();
    assertThat(page).contains("Event " + id).contains("Flagged in").contains("Run FullGrad")
        .contains("<pre>[ 0."); // the response, pretty-printed
  }

  @Test
  void eventLookupScansTheHourForAnUnflaggedCapture() throws Exception {
    assertThat(get("/event?id=" + ConsoleFixture.UNFLAGGED_ID).statusCode()).isEqualTo(404);
    String at = fx.windows.get(0).start().plusSeconds(600).toString();
    HttpResponse<String> r = get("/event?endpoint=traffic-signs&id=" + ConsoleFixture.UNFLAGGED_ID + "&at=" + at);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Event " + ConsoleFixture.UNFLAGGED_ID).doesNotContain("Flagged in");
  }

  @Test
  void readsNothingOutsideTheCaptureStore() throws Exception {
    HttpResponse<String> r = get("/event/input?endpoint=traffic-signs&loc=" + Html.url("file:/etc/passwd#L1"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(get("/event/input?endpoint=traffic-signs&loc="
        + Html.url("s3://" + fx.stack.s3Bucket() + "/baselines/traffic-signs/statistics.json#L1")).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aStorageFailureAnswersARequestIdAndLogsTheDetailUnderIt() throws Exception {
    ch.qos.logback.classic.Logger serverLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConsoleServer.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    serverLog.addAppender(logged);
    try {
      String key = "capture/traffic-signs/2001/01/01/00/no-such-object.jsonl";
      HttpResponse<String> r = get(server, "/event/input?endpoint=traffic-signs&loc="
          + Html.url("s3://" + fx.stack.s3Bucket() + "/" + key + "#L1"), null);
      assertThat(r.statusCode()).isIn(500, 502);
      String id = r.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(id).matches("[0-9a-f]{16}");
      assertThat(r.body()).contains("(request " + id + ")").doesNotContain("no-such-object", "Exception", "s3://")
          .hasLineCount(1);
      assertThat(logged.list).anySatisfy(e -> {
        String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
        assertThat(line).contains(id, "no-such-object");
      });
    } finally {
      serverLog.detachAppender(logged);
    }
  }

  @Test
  void fullGradRunsOnDemandForOneSample() throws Exception {
    var s = fx.reports.get(ConsoleFixture.WINDOWS - 1).flaggedSamples().get(0);
    byte[] png = bytes("/event/fullgrad?endpoint=traffic-signs&id=" + Html.url(s.eventId()) + "&loc="
        + Html.url(s.location().uri()));
    BufferedImage panel = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(panel.getWidth()).isGreaterThan(48);
  }

  @Test
  void isReadOnly() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }

  @Test
  void basicAndBearerAuthGuardEveryPathAssetsIncluded() throws Exception {
    VigilConfig basic = withAuth(new ConsoleConfig.Auth(ConsoleAuthType.BASIC, "ops", Secret.of("pw"), Secret.empty()));
    try (ConsoleServer s = new ConsoleServer(basic, fx.s3, "127.0.0.1", 0, Clock.systemUTC())) {
      HttpResponse<String> denied = get(s, "/static/console.css", null);
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(denied.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
      String good = "Basic " + Base64.getEncoder().encodeToString("ops:pw".getBytes());
      assertThat(get(s, "/", good).statusCode()).isEqualTo(200);
      assertThat(get(s, "/", "Basic " + Base64.getEncoder().encodeToString("ops:no".getBytes())).statusCode())
          .isEqualTo(401);
    }
    VigilConfig bearer = withAuth(new ConsoleConfig.Auth(ConsoleAuthType.BEARER, null, Secret.empty(), Secret.of("t0k")));
    try (ConsoleServer s = new ConsoleServer(bearer, fx.s3, "127.0.0.1", 0, Clock.systemUTC())) {
      assertThat(get(s, "/endpoints/traffic-signs", null).statusCode()).isEqualTo(401);
      assertThat(get(s, "/endpoints/traffic-signs", "Bearer t0k").statusCode()).isEqualTo(200);
      assertThat(get(s, "/endpoints/traffic-signs", "Bearer t0k2").statusCode()).isEqualTo(401);
    }
  }

  private static VigilConfig withAuth(ConsoleConfig.Auth auth) {
    VigilConfig c = fx.config;
    return new VigilConfig(c.endpoints(), c.sinks(), c.agent(), c.monitor(), c.saliency(), c.alerts(),
        new ConsoleConfig("127.0.0.1", 0, auth));
  }

  /** The {@code data-marks} of the chart with this id. */
  static int marks(String page, String id) {
    Matcher m = Pattern.compile("<svg id=\"" + id + "\"[^>]*data-marks=\"(\\d+)\"").matcher(page);
    assertThat(m.find()).as("chart %s on the page", id).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
