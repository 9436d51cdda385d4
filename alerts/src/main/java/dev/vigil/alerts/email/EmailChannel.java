package dev.vigil.alerts.email;

import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.Channel;
import dev.vigil.alerts.delivery.SendResult;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Alert emails over SMTP (Jakarta Mail / Angus): plain, STARTTLS (required) or implicit TLS.
 *
 * <p>{@link #render} builds the whole message once (see the structure in the composer) and the
 * outbox stores it as an .eml; {@link #send} parses it back and hands it to the server unchanged,
 * Message-ID included, so a retry is the same message. A 5xx reply is a permanent refusal, except
 * 53x (authentication or TLS required, a configuration problem); anything else (connection
 * refused, timeouts, 4xx, failed AUTH) is retried.
 */
public final class EmailChannel implements Channel {
  /** Default cap on one email's size ({@code alerts.maxEmailBytes}). */
  public static final long DEFAULT_MAX_EMAIL_BYTES = 10L * 1024 * 1024;

  private final SmtpSettings smtp;
  private final Session session;
  private final EmailComposer composer;

  private EmailChannel(SmtpSettings smtp, InternetAddress from, Recipients recipients, long maxEmailBytes,
      SSLSocketFactory sslSocketFactory) {
    this.smtp = smtp;
    this.session = Session.getInstance(properties(smtp, sslSocketFactory));
    this.composer = new EmailComposer(session, from, recipients, maxEmailBytes);
  }

  /**
   * An email channel.
   *
   * @param smtp server settings
   * @param from sender address ({@code alerts.from})
   * @param recipients who gets which endpoint's alerts; must name at least one address
   * @param maxEmailBytes size cap of one email (> 0)
   * @throws IllegalArgumentException when the sender address is invalid, no recipient is set, or
   *     the cap is not positive
   */
  public static EmailChannel create(SmtpSettings smtp, String from, Recipients recipients, long maxEmailBytes) {
    return create(smtp, from, recipients, maxEmailBytes, null);
  }

  /**
   * As {@link #create(SmtpSettings, String, Recipients, long)}, trusting the TLS certificates
   * {@code sslSocketFactory} trusts instead of the JVM's default trust store (null: the default).
   */
  static EmailChannel create(SmtpSettings smtp, String from, Recipients recipients, long maxEmailBytes,
      SSLSocketFactory sslSocketFactory) {
    if (smtp == null || recipients == null) {
      throw new NullPointerException("smtp and recipients must not be null");
    }
    if (maxEmailBytes <= 0) {
      throw new IllegalArgumentException("alerts.maxEmailBytes must be > 0 but was " + maxEmailBytes);
    }
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("no alert recipients: set alerts.recipients, alerts.endpointRecipients "
          + "or alerts.severityRecipients (or leave the email channel disabled)");
    }
    InternetAddress sender;
    try {
      sender = new InternetAddress(from, true);
    } catch (AddressException | NullPointerException e) {
      throw new IllegalArgumentException("alerts.from '" + from + "' is not a valid email address: " + e.getMessage());
    }
    for (String address : allAddresses(recipients)) {
      try {
        new InternetAddress(address, true);
      } catch (AddressException e) {
        throw new IllegalArgumentException("alert recipient '" + address + "' is not a valid email address: "
            + e.getMessage());
      }
    }
    return new EmailChannel(smtp, sender, recipients, maxEmailBytes, sslSocketFactory);
  }

  private static java.util.List<String> allAddresses(Recipients r) {
    java.util.List<String> all = new java.util.ArrayList<>(r.all());
    r.byEndpoint().values().forEach(all::addAll);
    r.bySeverity().values().forEach(all::addAll);
    return all;
  }

  @Override
  public String name() {
    return "email";
  }

  @Override
  public Optional<byte[]> render(Alert alert) throws Exception {
    return Optional.of(composer.compose(alert));
  }

  @Override
  public SendResult send(byte[] payload) {
    MimeMessage msg;
    Address[] rcpts;
    try {
      msg = new StableIdMessage(session, new ByteArrayInputStream(payload));
      rcpts = msg.getAllRecipients();
    } catch (MessagingException e) {
      return SendResult.rejected("stored message is unreadable: " + e.getMessage());
    }
    if (rcpts == null || rcpts.length == 0) {
      return SendResult.rejected("stored message has no recipients");
    }
    try (Transport transport = session.getTransport()) {
      transport.connect(smtp.host(), smtp.port(), smtp.auth() ? smtp.user() : null, smtp.auth() ? smtp.password() : null);
      transport.sendMessage(msg, rcpts);
      String reply = transport instanceof SMTPTransport t ? t.getLastServerResponse() : "accepted";
      return SendResult.accepted(reply == null ? "accepted" : reply.strip());
    } catch (SendFailedException e) {
      Address[] sent = e.getValidSentAddresses();
      if (sent != null && sent.length > 0) {
        // Some recipients got it: sending again would duplicate theirs.
        return SendResult.accepted("accepted for " + sent.length + " recipient(s), refused for others: " + e.getMessage());
      }
      return classify(e);
    } catch (AuthenticationFailedException e) {
      return SendResult.retry("SMTP authentication failed (check alerts.smtp.user/password): " + e.getMessage());
    } catch (MessagingException e) {
      return classify(e);
    }
  }

  private static SendResult classify(MessagingException e) {
    for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
      int code = x instanceof SMTPSendFailedException s ? s.getReturnCode()
          : x instanceof SMTPAddressFailedException a ? a.getReturnCode() : -1;
      if (code >= 530 && code < 540) {
        // 530/534/535/538: authentication or encryption required; fixed in the configuration,
        // after which the same message must still go out.
        return SendResult.retry("SMTP " + code + " (authentication/TLS required: check alerts.smtp): " + x.getMessage());
      }
      if (code >= 500 && code < 600) {
        return SendResult.rejected("SMTP " + code + ": " + x.getMessage());
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return SendResult.retry(e.getMessage() + (root != e ? " (" + root + ")" : ""));
  }

  private static Properties properties(SmtpSettings smtp, SSLSocketFactory sslSocketFactory) {
    String protocol = smtp.tls() == SmtpSettings.Tls.IMPLICIT ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    String timeout = Long.toString(smtp.timeout().toMillis());
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", protocol);
    props.setProperty(p + "host", smtp.host());
    props.setProperty(p + "port", Integer.toString(smtp.port()));
    props.setProperty(p + "connectiontimeout", timeout);
    props.setProperty(p + "timeout", timeout);
    props.setProperty(p + "writetimeout", timeout);
    props.setProperty(p + "auth", Boolean.toString(smtp.auth()));
    if (smtp.tls() == SmtpSettings.Tls.STARTTLS) {
      props.setProperty(p + "starttls.enable", "true");
      props.setProperty(p + "starttls.required", "true"); // never fall back to plain text
    }
    if (smtp.tls() != SmtpSettings.Tls.NONE) {
      props.setProperty(p + "ssl.checkserveridentity", "true");
      if (sslSocketFactory != null) {
        props.put(p + "ssl.socketFactory", sslSocketFactory); // Angus takes the instance itself
      }
    }
    return props;
  }

  @Override
  public String toString() {
    return "EmailChannel[" + smtp + "]";
  }
}
