package dev.vigil.config;

/** What the agent captures of each sampled exchange (`endpoints[].capture.mode`). */
public enum CaptureMode implements ConfigName {
  INPUT("Input"),
  OUTPUT("Output"),
  INPUT_AND_OUTPUT("InputAndOutput");

  private final String configName;

  CaptureMode(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
