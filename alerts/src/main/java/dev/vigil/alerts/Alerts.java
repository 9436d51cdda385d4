package dev.vigil.alerts;

import dev.vigil.alerts.delivery.AlertDispatcher;
import dev.vigil.alerts.delivery.Channel;
import dev.vigil.alerts.delivery.SharedAlertState;
import dev.vigil.alerts.email.EmailChannel;
import dev.vigil.alerts.email.Recipients;
import dev.vigil.alerts.email.SmtpSettings;
import dev.vigil.alerts.report.ReportPublisher;
import dev.vigil.alerts.webhook.WebhookChannel;
import dev.vigil.config.AlertsConfig;
import dev.vigil.config.SmtpConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the alerts module from the {@code alerts} configuration section. */
public final class Alerts {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);

  private Alerts() {}

  /**
   * A started dispatcher with the email channel (disabled, with a warning, when no recipient is
   * configured) and the webhook channel (disabled when {@code alerts.webhook.url} is null).
   *
   * @param config the {@code alerts} section
   * @param registry where the {@code alerts.*} meters go
   * @param publisher writes report.html before each alert, or null for none
   * @throws IllegalArgumentException when an address or URL in the section is invalid
   * @throws IOException when the outbox directory cannot be created or read
   */
  public static AlertDispatcher dispatcher(AlertsConfig config, MeterRegistry registry, ReportPublisher publisher)
      throws IOException {
    return dispatcher(config, registry, publisher, null);
  }

  /**
   * As {@link #dispatcher(AlertsConfig, MeterRegistry, ReportPublisher)}, deciding and claiming
   * alerts in {@code sharedOrNull} (the state all monitor replicas share) when it is set; the
   * dispatcher then owns and closes it.
   */
  public static AlertDispatcher dispatcher(AlertsConfig config, MeterRegistry registry, ReportPublisher publisher,
      SharedAlertState sharedOrNull) throws IOException {
    AlertDispatcher.Builder b = AlertDispatcher.builder()
        .outbox(config.outbox())
        .coolDown(config.coolDown())
        .worseMargin(config.worseMargin())
        .meterRegistry(registry)
        .channel(emailChannel(config))
        .channel(WebhookChannel.forUrl(config.webhook().url() == null ? null : config.webhook().url().toString(),
            config.webhook().secret().reveal(), java.time.Clock.systemUTC()));
    if (publisher != null) {
      b.reportPublisher(publisher);
    }
    if (sharedOrNull != null) {
      b.sharedState(sharedOrNull);
    }
    return b.build();
  }

  /** The email channel for the section, or the disabled channel when it names no recipient. */
  public static Channel emailChannel(AlertsConfig config) {
    Recipients recipients = new Recipients(config.recipients(), config.endpointRecipients(), config.severityRecipients());
    if (config.recipients().isEmpty() && config.endpointRecipients().values().stream().allMatch(java.util.List::isEmpty)
        && config.severityRecipients().values().stream().allMatch(java.util.List::isEmpty)) {
      log.warn("alerts.recipients, alerts.endpointRecipients and alerts.severityRecipients are all empty: "
          + "alert emails are disabled");
      return Channel.disabled("email");
    }
    return EmailChannel.create(smtp(config.smtp()), config.from(), recipients, config.maxEmailBytes());
  }

  /** The SMTP settings of {@code alerts.smtp}. */
  public static SmtpSettings smtp(SmtpConfig smtp) {
    SmtpSettings.Tls tls = switch (smtp.tls()) {
      case NONE -> SmtpSettings.Tls.NONE;
      case STARTTLS -> SmtpSettings.Tls.STARTTLS;
      case IMPLICIT -> SmtpSettings.Tls.IMPLICIT;
    };
    return new SmtpSettings(smtp.host(), smtp.port(), tls, smtp.authenticates() ? smtp.user() : null,
        smtp.password().isEmpty() ? null : smtp.password().reveal(), SmtpSettings.DEFAULT_TIMEOUT,
        smtp.allowPlaintextAuth());
  }
}
