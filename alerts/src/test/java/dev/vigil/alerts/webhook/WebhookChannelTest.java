package dev.vigil.alerts.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.MutableClock;
import dev.vigil.alerts.Severity;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.delivery.Channel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook channel against a real local HTTP server (JDK HttpServer). */
class WebhookChannelTest {
  record Received(String alertId, byte[] body, int answered) {}

  @TempDir Path outbox;
  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T11:05:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hooks/T000/B000/secret", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status = failuresLeft.getAndDecrement() > 0 ? failureStatus : 200;
      received.add(new Received(exchange.getRequestHeaders().getFirst("X-Vigil-Alert-Id"), body, status));
      byte[] reply = (status == 200 ? "ok" : "try later").getBytes();
      exchange.sendResponseHeaders(status, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/B000/secret";
  }

  private AlertDispatcher dispatcher() throws Exception {
    return AlertDispatcher.builder()
        .outbox(outbox)
        .clock(clock)
        .pollInterval(Duration.ofMillis(20))
        .meterRegistry(registry)
        .channel(Channel.disabled("email"))
        .channel(WebhookChannel.forUrl(url()))
        .build();
  }

  @Test
  void retriesAfterServerErrorAndDeliversOnceWithSlackText() throws Exception {
    failuresLeft.set(1);
    String hostile = "<img src=x onerror=alert(1)>";
    AlertContent content = Fixtures.content("hook", Fixtures.WINDOW_START, List.of(
        new ViolationLine("class_share", "14", "class 14 (" + hostile + ") predicted 80.5% of the time (limit 50%)",
            0.805, 0.5, 0.04, Severity.CRITICAL)), 2, hostile);
    try (AlertDispatcher d = dispatcher()) {
      d.offer(content);
      await().until(() -> received.size() == 1);
      await().until(() -> registry.find("alerts.send.failures").tag("channel", "webhook").counter() != null);
      assertThat(d.pendingCount()).isEqualTo(1);
      clock.advance(AlertDispatcher.DEFAULT_INITIAL_BACKOFF);
      await().until(() -> received.size() == 2);
      await().until(() -> d.pendingCount() == 0);
      d.offer(content); // same window again: deduplicated
      clock.advance(Duration.ofHours(1));
      Thread.sleep(200);
      assertThat(received).hasSize(2);
    }
    assertThat(received.get(0).answered()).isEqualTo(503);
    assertThat(received.get(1).answered()).isEqualTo(200);
    assertThat(received.get(1).body()).isEqualTo(received.get(0).body()); // the stored payload, resent
    assertThat(received.get(1).alertId()).isEqualTo(received.get(0).alertId()).matches("[0-9a-f]{24}");
    JsonNode body = json.readTree(received.get(1).body());
    assertThat(body.get("text").asText())
        .startsWith("*Vigil alert: hook (v1)*, 2026-11-22 10:00Z to 2026-11-22 11:00Z")
        .contains("- [critical] class 14 (&lt;img src=x onerror=alert(1)&gt;) predicted 80.5% of the time (limit 50%)")
        .contains("Report: s3://vigil/reports/hook/v1/2026/11/22/10/report.html")
        .doesNotContain("<img");
    assertThat(body.get("kind").asText()).isEqualTo("alert");
    assertThat(body.get("endpoint").asText()).isEqualTo("hook");
    assertThat(body.get("severity").asText()).isEqualTo("critical");
    assertThat(body.get("violations").get(0).get("value").asDouble()).isEqualTo(0.805);
    assertThat(body.get("violations").get(0).get("limit").asDouble()).isEqualTo(0.5);
    assertThat(body.get("heatmaps").asInt()).isEqualTo(2);
  }

  @Test
  void sendsResolvedNoticeWhenViolationsClear() throws Exception {
    try (AlertDispatcher d = dispatcher()) {
      d.offer(Fixtures.content("hook-resolve", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.8)), 0, "Stop"));
      await().until(() -> received.size() == 1);
      clock.advance(Duration.ofHours(1));
      d.offer(Fixtures.clean("hook-resolve", Fixtures.WINDOW_START.plus(Duration.ofHours(1))));
      await().until(() -> received.size() == 2);
    }
    JsonNode body = json.readTree(received.get(1).body());
    assertThat(body.get("kind").asText()).isEqualTo("resolved");
    assertThat(body.get("cleared").get(0).get("metric").asText()).isEqualTo("class_share");
    assertThat(body.get("text").asText()).startsWith("Resolved: hook-resolve (v1)");
  }

  @Test
  void clientErrorIsRejectedForGoodAndKept() throws Exception {
    failuresLeft.set(100);
    failureStatus = 404;
    try (AlertDispatcher d = dispatcher()) {
      d.offer(Fixtures.content("hook-404", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.8)), 0, "Stop"));
      await().until(() -> registry.find("alerts.send.failures").tag("reason", "rejected").counter() != null);
      clock.advance(Duration.ofHours(2));
      Thread.sleep(200);
      assertThat(received).hasSize(1);
      assertThat(d.pendingCount()).isZero();
    }
    try (var s = Files.list(outbox.resolve("rejected"))) {
      assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".webhook.payload"));
    }
  }

  @Test
  void noUrlMeansTheDisabledChannel() throws Exception {
    Channel disabled = WebhookChannel.forUrl(null);
    assertThat(disabled.name()).isEqualTo("webhook");
    assertThat(disabled.render(null)).isEmpty();
    assertThat(WebhookChannel.forUrl(" ").render(null)).isEmpty();
    assertThatThrownBy(() -> WebhookChannel.forUrl("ftp://example.com/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alerts.webhook.url")
        .hasMessageContaining("http://");
    assertThat(WebhookChannel.forUrl(url()).toString()).doesNotContain("secret");
  }
}
