package dev.vigil.alerts.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Text;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.Channel;
import dev.vigil.alerts.delivery.SendResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts as a JSON POST: a Slack-compatible {@code "text"} field (so a Slack or Mattermost incoming
 * webhook works as is) plus the structured alert for any other receiver.
 *
 * <p>2xx is accepted; 408, 429 and 5xx or no connection are retried; other 4xx are refused for
 * good. Each request carries {@code X-Vigil-Alert-Id} (stable across retries) so a receiver can
 * drop a duplicate, and, with a secret, {@link WebhookSignature}'s timestamp and HMAC-SHA256
 * signature, computed for each attempt.
 */
public final class WebhookChannel implements Channel {
  /** Timeout of one POST. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final Logger log = LoggerFactory.getLogger(WebhookChannel.class);

  private final URI url;
  private final byte[] secret; // null: unsigned
  private final Clock clock;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  private WebhookChannel(URI url, byte[] secret, Clock clock) {
    this.url = url;
    this.secret = secret;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** As {@link #forUrl(String, String, Clock)}, unsigned. */
  public static Channel forUrl(String url) {
    return forUrl(url, null, Clock.systemUTC());
  }

  /**
   * The webhook channel for {@code alerts.webhook.url}; the disabled channel when it is null or blank.
   *
   * @param secret {@code alerts.webhook.secret}; null or empty: requests are unsigned (logged once)
   * @param clock the signing time
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
   */
  public static Channel forUrl(String url, String secret, Clock clock) {
    if (url == null || url.isBlank()) {
      return Channel.disabled("webhook");
    }
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("alerts.webhook.url '" + url + "' is not a URL: " + e.getMessage());
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("alerts.webhook.url '" + url + "' must be an absolute http:// or https:// URL");
    }
    if (secret == null || secret.isEmpty()) {
      log.warn("alerts.webhook.secret is not set: webhook requests to {} are not signed; set it so the receiver can"
          + " verify X-Vigil-Signature", uri.getHost());
      return new WebhookChannel(uri, null, clock);
    }
    return new WebhookChannel(uri, secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), clock);
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Optional<byte[]> render(Alert alert) throws IOException {
    AlertContent c = alert.content();
    ObjectNode root = json.createObjectNode();
    root.put("text", slackText(alert));
    root.put("alertId", alert.id());
    root.put("kind", alert.kind().name().toLowerCase(java.util.Locale.ROOT));
    root.put("endpoint", c.endpoint());
    root.put("variant", c.variant());
    root.put("windowStart", c.windowStart().toString());
    root.put("windowEnd", c.windowEnd().toString());
    c.severity().ifPresent(s -> root.put("severity", s.key()));
    violations(root.putArray("violations"), c.violations());
    violations(root.putArray("cleared"), alert.cleared());
    root.put("heatmaps", c.heatmaps().size());
    if (c.reportLocation() != null) {
      root.put("reportLocation", c.reportLocation().toString());
      root.put("reportHtmlLocation", String.valueOf(c.reportHtmlLocation()));
    }
    return Optional.of(json.writeValueAsBytes(root));
  }

  private static void violations(ArrayNode array, List<ViolationLine> lines) {
    for (ViolationLine v : lines) {
      ObjectNode o = array.addObject();
      o.put("metric", v.metric());
      o.put("subject", v.subject());
      o.put("description", v.description());
      o.put("value", v.value());
      o.put("limit", v.limit());
      if (v.baseline() != null) {
        o.put("baseline", v.baseline());
      }
      o.put("severity", v.severity().key());
    }
  }

  /** Slack mrkdwn: {@code & < >} must be escaped as entities; everything else is literal. */
  private static String slackText(Alert alert) {
    AlertContent c = alert.content();
    StringBuilder t = new StringBuilder();
    if (alert.kind() == Alert.Kind.RESOLVED) {
      t.append("Resolved: ").append(slack(c.endpoint())).append(" (").append(slack(c.variant()))
          .append("), all violations cleared in ").append(Text.when(c.windowStart())).append(" to ")
          .append(Text.when(c.windowEnd()));
      for (ViolationLine v : alert.cleared()) {
        t.append("\n- cleared: ").append(slack(Text.oneLine(v.description())));
      }
    } else {
      t.append("*Vigil alert: ").append(slack(c.endpoint())).append(" (").append(slack(c.variant())).append(")*, ")
          .append(Text.when(c.windowStart())).append(" to ").append(Text.when(c.windowEnd()));
      for (ViolationLine v : c.violations()) {
        t.append("\n- [").append(v.severity().key()).append("] ").append(slack(Text.oneLine(v.description())));
      }
    }
    if (c.reportLocation() != null) {
      t.append("\nReport: ").append(slack(String.valueOf(c.reportHtmlLocation())));
    }
    return t.toString();
  }

  private static String slack(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public SendResult send(byte[] payload) {
    String alertId;
    try {
      alertId = json.readTree(payload).path("alertId").asText("");
    } catch (IOException e) {
      return SendResult.rejected("stored payload is not JSON: " + e.getMessage());
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(url)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("X-Vigil-Alert-Id", alertId)
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    if (secret != null) {
      long now = clock.instant().getEpochSecond();
      builder.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
          .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, now, payload));
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      String detail = "HTTP " + status + " " + abbreviate(response.body());
      if (status >= 200 && status < 300) {
        return SendResult.accepted(detail);
      }
      if (status == 408 || status == 429 || status >= 500) {
        return SendResult.retry(detail);
      }
      return SendResult.rejected(detail);
    } catch (IOException e) {
      return SendResult.retry("POST " + url.getHost() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SendResult.retry("interrupted");
    }
  }

  private static String abbreviate(String body) {
    String b = body == null ? "" : Text.oneLine(body);
    return b.length() > 200 ? b.substring(0, 200) + "..." : b;
  }

  @Override
  public String toString() {
    return "WebhookChannel[" + url.getScheme() + "://" + url.getHost() + "]"; // path may hold a secret token
  }
}
