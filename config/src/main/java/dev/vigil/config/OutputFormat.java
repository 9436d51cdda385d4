package dev.vigil.config;

/** How the monitor reads predictions from a captured response body (`endpoints[].output.format`). */
public enum OutputFormat implements ConfigName {
  PROBABILITIES("probabilities"),
  PREDICTIONS("predictions"),
  KSERVE_V2("kserve-v2"),
  TOP_K("top-k"),
  POINTER("pointer"),
  CLASS_INDEX("class-index");

  private final String configName;

  OutputFormat(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
