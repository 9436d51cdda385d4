package dev.vigil.monitor.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.admin.AdminServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MonitorAdminTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(AdminServer admin, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesFollowTheSchedulerAndUnknownPathsAreNotFound() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("vigil.monitor.test").increment();
    AtomicBoolean running = new AtomicBoolean(true);
    try (AdminServer admin = MonitorAdmin.start("127.0.0.1", 0, null, registry, running::get)) {
      assertThat(get(admin, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(admin, "/metrics").body()).contains("vigil_monitor_test_total 1.0");
      assertThat(get(admin, "/healthzX").statusCode()).isEqualTo(404);
      assertThat(get(admin, "/").statusCode()).isEqualTo(404);

      running.set(false);
      assertThat(get(admin, "/healthz").statusCode()).isEqualTo(503);
      assertThat(get(admin, "/readyz").statusCode()).isEqualTo(503);
    }
  }
}
