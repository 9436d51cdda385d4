package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Alert e-mails ({@code alerts}).
 *
 * @param smtp the mail server
 * @param from sender address
 * @param recipients addresses every alert goes to
 * @param endpointRecipients endpoint name to extra addresses for that endpoint's alerts
 * @param severityRecipients severity ({@code critical} or {@code warning}) to extra addresses
 * @param coolDown an alert for the same endpoint and violation is not repeated within this,
 *     unless it got worse by more than {@code worseMargin}
 * @param worseMargin how much worse (absolute, in the violation's own units) re-alerts early
 * @param maxEmailBytes cap on one e-mail's size; heatmaps beyond it are left out and listed
 * @param outbox directory where unsent alerts wait for a retry
 * @param webhook optional JSON webhook
 */
public record AlertsConfig(
    SmtpConfig smtp,
    String from,
    List<String> recipients,
    Map<String, List<String>> endpointRecipients,
    Map<String, List<String>> severityRecipients,
    Duration coolDown,
    double worseMargin,
    long maxEmailBytes,
    Path outbox,
    WebhookConfig webhook) {

  /** The severities {@link #severityRecipients()} may name. */
  public static final List<String> SEVERITIES = List.of("critical", "warning");

  public AlertsConfig {
    Objects.requireNonNull(smtp, "smtp");
    Objects.requireNonNull(from, "from");
    recipients = List.copyOf(recipients);
    endpointRecipients = copy(endpointRecipients);
    severityRecipients = copy(severityRecipients);
    Objects.requireNonNull(coolDown, "coolDown");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(webhook, "webhook");
  }

  /**
   * Everyone an alert about {@code endpoint} with {@code severity} goes to: the common
   * recipients, then the endpoint's, then the severity's, without duplicates, in that order.
   */
  public List<String> recipientsFor(String endpoint, String severity) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(recipients);
    all.addAll(endpointRecipients.getOrDefault(endpoint, List.of()));
    all.addAll(severityRecipients.getOrDefault(severity, List.of()));
    return List.copyOf(all);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> map) {
    // Keeps the file's order (Map.copyOf would not), so printed configs read like the input.
    java.util.LinkedHashMap<String, List<String>> out = new java.util.LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
