package dev.vigil.config;

/** Distance between the predicted-class distribution and the baseline (`monitor.thresholds.drift.method`). */
public enum DriftMethod implements ConfigName {
  LINF("linf"),
  CHI_SQUARE("chi-square"),
  JENSEN_SHANNON("jensen-shannon"),
  PSI("psi");

  private final String configName;

  DriftMethod(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
