package dev.vigil.config;

import java.net.URI;

/**
 * An optional webhook that receives each alert as JSON ({@code alerts.webhook}).
 *
 * @param url http(s) URL to POST to; {@code null} disables the webhook. Treated as sensitive:
 *     printed configs and {@link #toString()} show only its scheme, host and port
 * @param secret key of the HMAC-SHA256 signature each request carries ({@code X-Vigil-Signature});
 *     empty: requests are not signed
 */
public record WebhookConfig(URI url, Secret secret) {
  public WebhookConfig {
    java.util.Objects.requireNonNull(secret, "secret");
  }

  /** True when a URL is configured. */
  public boolean enabled() {
    return url != null;
  }

  /** Masks the URL's path and query: webhook URLs usually carry their token there. */
  @Override
  public String toString() {
    return "WebhookConfig[url=" + Redaction.webhook(url) + ", secret=" + secret + "]";
  }
}
