package dev.vigil.alerts;

/** How bad a violation is; decides the subject's order and the per-severity recipients. */
public enum Severity {
  WARNING,
  CRITICAL;

  /** The lower-case name used as a key in {@code alerts.severityRecipients}. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
