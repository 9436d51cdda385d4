package dev.vigil.alerts.email;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the SMTP server.
 *
 * @param host server host
 * @param port server port (1..65535)
 * @param tls none (plain, e.g. the embedded server), STARTTLS (required, not opportunistic), or implicit TLS
 * @param user user for AUTH, or null/blank for none
 * @param password password for AUTH (never logged)
 * @param timeout connect, read and write timeout of one attempt
 * @param allowPlaintextAuth log in over {@link Tls#NONE}; without it such settings are refused,
 *     since the password would cross the network in clear text
 */
public record SmtpSettings(String host, int port, Tls tls, String user, String password, Duration timeout,
    boolean allowPlaintextAuth) {

  /** Transport security. */
  public enum Tls {
    NONE,
    STARTTLS,
    IMPLICIT
  }

  /** Default timeout per attempt: a stuck server must not hold the alerts thread for long. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  public SmtpSettings {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("alerts.smtp.port must be 1..65535 but was " + port);
    }
    tls = Objects.requireNonNullElse(tls, Tls.NONE);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    if (tls == Tls.NONE && user != null && !user.isBlank() && !allowPlaintextAuth) {
      throw new IllegalArgumentException("alerts.smtp.tls is none while alerts.smtp.user is set: the password would"
          + " cross the network in clear text; use starttls or implicit, or set alerts.smtp.allowPlaintextAuth: true");
    }
  }

  /** As the canonical constructor, refusing a login over {@link Tls#NONE}. */
  public SmtpSettings(String host, int port, Tls tls, String user, String password, Duration timeout) {
    this(host, port, tls, user, password, timeout, false);
  }

  /** Plain SMTP without auth (the embedded server). */
  public static SmtpSettings plain(String host, int port) {
    return new SmtpSettings(host, port, Tls.NONE, null, null, DEFAULT_TIMEOUT);
  }

  boolean auth() {
    return user != null && !user.isBlank();
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", tls=" + tls + ", user=" + user
        + ", password=" + (password == null || password.isEmpty() ? "" : "****") + ", timeout=" + timeout
        + ", allowPlaintextAuth=" + allowPlaintextAuth + "]";
  }
}
