package dev.vigil.config;

import java.net.URI;

/**
 * An optional webhook that receives each alert as JSON ({@code alerts.webhook}).
 *
 * @param url http(s) URL to POST to; {@code null} disables the webhook
 */
public record WebhookConfig(URI url) {
  /** True when a URL is configured. */
  public boolean enabled() {
    return url != null;
  }
}
