package dev.vigil.monitor.check;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Distance between the window's and the baseline's top-1 class distributions ({@code
 * monitor.thresholds.drift.method}). All but chi-square are violated when the distance is above
 * the limit; chi-square is violated when its p-value is below the limit.
 */
public enum DriftMethod {
  /** {@code max_c |p_c - q_c|}; default limit 0.1. */
  LINF("linf"),
  /** Pearson goodness-of-fit test of the window counts against the baseline shares; limit is a p-value (e.g. 0.01). */
  CHI_SQUARE("chi-square"),
  /** Jensen-Shannon divergence in bits, in [0, 1]. */
  JENSEN_SHANNON("jensen-shannon"),
  /** Population stability index {@code sum_c (p_c - q_c) ln(p_c / q_c)}; 0.1 moderate, 0.25 large. */
  PSI("psi");

  private final String code;

  DriftMethod(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  @JsonCreator
  public static DriftMethod fromCode(String code) {
    String c = code == null ? "" : code.trim().toLowerCase(Locale.ROOT);
    for (DriftMethod m : values()) {
      if (m.code.equals(c) || m.name().equalsIgnoreCase(c)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown drift method '" + code + "', use one of linf | chi-square | jensen-shannon | psi");
  }

  /** Whether a larger value means more drift (false for the chi-square p-value). */
  public boolean higherIsWorse() {
    return this != CHI_SQUARE;
  }
}
