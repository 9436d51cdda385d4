package dev.vigil.deployfiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.agent.AgentConfigMapping;
import dev.vigil.capture.agent.CaptureAgent;
import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.window.Window;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard ({@code deploy/grafana/}) and the Prometheus alert rules
 * ({@code deploy/prometheus/}) name is one Vigil exports, as Prometheus sees it: the names come
 * from scraping a started capture agent after real traffic (its {@code /metrics}) and a monitor
 * registry after a real window run over the agent's captures. Meters registered only on rare
 * events (drops, spooling, sink errors, failing listeners) are added by calling the agent's and
 * monitor's own meter classes once each.
 */
class MetricNamesTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final Pattern VIGIL_METRIC = Pattern.compile("\\b(vigil_[a-z0-9_]+)\\b");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void dashboardAndAlertRulesNameOnlyExportedMetrics() throws Exception {
    Set<String> named = namedInDeployFiles();
    assertThat(named).as("metrics named by the dashboard and the rules").hasSizeGreaterThan(15);
    Set<String> exported = exportedByARunningAgentAndMonitor();
    assertThat(named).as("named in deploy/grafana and deploy/prometheus but not exported; exported: %s", exported)
        .isSubsetOf(exported);
  }

  private Set<String> namedInDeployFiles() throws IOException {
    List<String> exprs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Stream.concat(Files.list(DEPLOY.resolve("grafana")), Files.list(DEPLOY.resolve("prometheus")))) {
      s.forEach(files::add);
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("vigil-dashboard.json", "vigil-alerts.yaml");
    for (Path f : files) {
      JsonNode root = f.toString().endsWith(".json") ? new ObjectMapper().readTree(f.toFile())
          : new YAMLMapper().readTree(f.toFile());
      collect(root, exprs);
    }
    Set<String> names = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = VIGIL_METRIC.matcher(e);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Values of every {@code expr} and {@code query} (PromQL in panels, templating and rules). */
  private static void collect(JsonNode n, List<String> out) {
    n.properties().forEach(e -> {
      if ((e.getKey().equals("expr") || e.getKey().equals("query")) && e.getValue().isTextual()) {
        out.add(e.getValue().asText());
      }
    });
    n.forEach(child -> collect(child, out));
  }

  private Set<String> exportedByARunningAgentAndMonitor() throws Exception {
    Set<String> names = new TreeSet<>();
    try (EmbeddedStack stack = EmbeddedStack.builder().dataDir(dir.resolve("stack")).kafka(false).smtp(false)
        .postgres(false).build().start()) {
      HttpServer model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      model.createContext("/", x -> {
        byte[] body = "[0.1, 0.7, 0.2]".getBytes(StandardCharsets.UTF_8);
        x.getRequestBody().readAllBytes();
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        x.close();
      });
      model.start();
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      VigilConfig config = ConfigLoader.parse(String.format(Locale.ROOT, """
          endpoints:
            - {name: signs, variant: v1, upstream: "http://127.0.0.1:%d", route: {pathPrefix: /predict}}
            - {name: gone, upstream: "http://127.0.0.1:%d", route: {pathPrefix: /gone}}
          sinks:
            kafka: {enabled: false}
            s3: {bucket: %s, endpointOverride: "%s", pathStyle: true, region: %s, accessKeyId: %s,
                 secretAccessKey: %s, objectMaxAge: 1s}
          agent: {listen: {host: 127.0.0.1, port: 0}, admin: {host: 127.0.0.1, port: 0},
                  spool: {directory: "%s"}}
          monitor: {minRecords: 1}
          """, model.getAddress().getPort(), closedPort, stack.s3Bucket(), stack.s3Endpoint(), stack.s3Region(),
          stack.s3AccessKey(), stack.s3SecretKey(), dir.resolve("spool")), Map.of());
      Instant before = Instant.now();
      try (CaptureAgent agent = CaptureAgent.start(AgentConfigMapping.settings(config))) {
        for (int i = 0; i < 10; i++) {
          send(agent.port(), "/predict");
        }
        send(agent.port(), "/gone");
        String scrape = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            !scrape.contains("vigil_agent_capture_shipped_total{") && System.nanoTime() < deadline; Thread.sleep(200)) {
          scrape = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.adminPort() + "/metrics"))
              .build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        names.addAll(names(scrape));
      } finally {
        model.stop(0);
      }
      PrometheusMeterRegistry monitorRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (MonitorRuntime runtime = new MonitorRuntime(config, new MonitorMetrics(monitorRegistry), List.of(), true,
          Clock.systemUTC())) {
        runtime.monitor("signs").run(new Window(before.minusSeconds(60), Instant.now().plusSeconds(60)));
      }
      names.addAll(names(monitorRegistry.scrape()));
    }
    // Meters created on rare events only, through the same classes.
    PrometheusMeterRegistry rare = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics agentMetrics = new AgentMetrics(rare);
    agentMetrics.dropped("s3", "buffer_full");
    agentMetrics.spooled("s3", 1);
    agentMetrics.sinkError("s3");
    new MonitorMetrics(rare).listenerFailed("alerts");
    names.addAll(names(rare.scrape()));
    return names;
  }

  private static void send(int port, String path) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"x\": 1}")).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Sample names of a Prometheus text exposition. */
  static Set<String> names(String exposition) {
    Set<String> out = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        out.add((end < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, end)).trim());
      }
    }
    return out;
  }
}
