package dev.vigil.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Distance between the window's and the baseline's top-1 class distributions ({@code
 * monitor.thresholds.drift.method}, and {@code driftMethod} in a baseline's constraints.json).
 * All but chi-square are violated when the distance is above the limit; chi-square is violated
 * when its p-value is below the limit.
 */
public enum DriftMethod implements ConfigName {
  /** {@code max_c |p_c - q_c|}; default limit 0.1. */
  LINF("linf"),
  /** Pearson goodness-of-fit test of the window counts against the baseline shares; limit is a p-value (e.g. 0.01). */
  CHI_SQUARE("chi-square"),
  /** Jensen-Shannon divergence in bits, in [0, 1]. */
  JENSEN_SHANNON("jensen-shannon"),
  /** Population stability index {@code sum_c (p_c - q_c) ln(p_c / q_c)}; 0.1 moderate, 0.25 large. */
  PSI("psi");

  private final String configName;

  DriftMethod(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file, in constraints.json and in reports. */
  @JsonValue
  @Override
  public String configName() {
    return configName;
  }

  /**
   * The method named by a hand-edited constraints.json: its config name or Java name, any case,
   * surrounding blanks ignored (the YAML binder is strict and suggests a spelling instead).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  @JsonCreator
  public static DriftMethod fromJson(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (DriftMethod m : values()) {
      if (m.configName.equals(n) || m.name().equalsIgnoreCase(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown drift method '" + name + "', use one of linf | chi-square | jensen-shannon | psi");
  }

  /** Whether a larger value means more drift (false for the chi-square p-value). */
  public boolean higherIsWorse() {
    return this != CHI_SQUARE;
  }
}
