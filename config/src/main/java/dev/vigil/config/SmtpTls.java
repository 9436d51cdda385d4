package dev.vigil.config;

/** How the SMTP connection is secured (`alerts.smtp.tls`). */
public enum SmtpTls implements ConfigName {
  NONE("none"),
  STARTTLS("starttls"),
  IMPLICIT("implicit");

  private final String configName;

  SmtpTls(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
