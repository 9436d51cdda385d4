package dev.vigil.config;

/** How the monitor reads predictions from a captured response body (`endpoints[].output.format`). */
public enum OutputFormat implements ConfigName {
  /**
   * Recognise each response's shape from its body (the default): bare or wrapped class indices,
   * probability or logit vectors, top-k lists, KServe v2 / Triton outputs. The report counts the
   * formats it found; see docs/payload-formats.md.
   */
  AUTO("auto"),
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
