package dev.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.admin.AdminServer.Answer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The real admin server on loopback, reached over HTTP as Prometheus and kubelets reach it. */
class AdminServerTest {
  private static final String TOKEN = "s3cr3t-scrape-token";
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean up = new AtomicBoolean(true);

  private AdminServer start(String token) throws IOException {
    return new AdminServer("test.admin", "127.0.0.1", 0, token, () -> "vigil_test_total 1.0\n",
        () -> Answer.text(200, "ok\n"), () -> up.get() ? Answer.json(200, "{\"ready\":true}") : Answer.json(503, "{\"ready\":false}"));
  }

  private HttpResponse<String> get(AdminServer admin, String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutATokenEveryPathIsOpenAndUnknownPathsAreNotFound() throws Exception {
    try (AdminServer admin = start(null)) {
      assertThat(admin.metricsProtected()).isFalse();
      HttpResponse<String> metrics = get(admin, "/metrics", null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(AdminServer.METRICS_TYPE);
      assertThat(metrics.body()).isEqualTo("vigil_test_total 1.0\n");
      assertThat(get(admin, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(admin, "/readyz", null).body()).isEqualTo("{\"ready\":true}");
      assertThat(get(admin, "/healthzX", null).statusCode()).isEqualTo(404);
      assertThat(get(admin, "/", null).statusCode()).isEqualTo(404);
      up.set(false);
      assertThat(get(admin, "/readyz", null).statusCode()).isEqualTo(503);
    }
  }

  @Test
  void withATokenMetricsNeedTheBearerHeaderAndProbesStayOpen() throws Exception {
    try (AdminServer admin = start(TOKEN)) {
      assertThat(admin.metricsProtected()).isTrue();
      for (String wrong : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
          "bearer" + TOKEN, TOKEN, "Basic " + TOKEN}) {
        HttpResponse<String> denied = get(admin, "/metrics", wrong);
        assertThat(denied.statusCode()).as("Authorization: %s", wrong).isEqualTo(401);
        assertThat(denied.body()).as("one line, no metrics").doesNotContain("vigil_test_total")
            .endsWith("\n").hasLineCount(1).contains("Authorization: Bearer <token>").doesNotContain(TOKEN);
        assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"vigil\"");
      }
      HttpResponse<String> scrape = get(admin, "/metrics", "Bearer " + TOKEN);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).isEqualTo("vigil_test_total 1.0\n");
      // probes carry no credentials (kubelet, compose healthcheck) and reveal only up/down
      assertThat(get(admin, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(admin, "/readyz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aTakenPortIsAOneLineErrorNamingTheKey() throws Exception {
    try (AdminServer first = start(null)) {
      assertThatThrownBy(() -> new AdminServer("monitor.admin", "127.0.0.1", first.port(), null, () -> "",
          () -> Answer.text(200, ""), () -> Answer.text(200, "")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + first.port()).hasMessageContaining("monitor.admin.port");
    }
  }
}
