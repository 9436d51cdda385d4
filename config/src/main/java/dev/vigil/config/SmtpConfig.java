package dev.vigil.config;

import java.util.Objects;

/**
 * The SMTP server alerts are sent through ({@code alerts.smtp}).
 *
 * @param host server host
 * @param port server port (25, 587 for starttls, 465 for implicit TLS)
 * @param tls how the connection is secured
 * @param user login user; empty means no authentication
 * @param password login password (empty when not set)
 * @param allowPlaintextAuth log in over an unencrypted connection ({@code tls: none}); off by
 *     default, since the password then crosses the network in clear text
 */
public record SmtpConfig(String host, int port, SmtpTls tls, String user, Secret password, boolean allowPlaintextAuth) {
  public SmtpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  /** True when a user is configured and the client must log in. */
  public boolean authenticates() {
    return !user.isEmpty();
  }
}
