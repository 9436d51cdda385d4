package dev.vigil.monitor.check;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How bad a violation is; alert routing keys on it ({@code alerts.severityRecipients}). A
 * violation is {@link #CRITICAL} when it misses its limit by the limit again or more (value at
 * least twice an upper limit, or a p-value under a tenth of its limit); otherwise {@link #WARNING}.
 */
public enum Severity {
  WARNING,
  CRITICAL;

  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Severity fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
