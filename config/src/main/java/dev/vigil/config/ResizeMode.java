package dev.vigil.config;

/** How an image is fitted to the model's input size (`endpoints[].preprocessing.resize`). */
public enum ResizeMode implements ConfigName {
  STRETCH("stretch"),
  CENTER_CROP("center-crop"),
  SHORTER_SIDE_CENTER_CROP("shorter-side-center-crop");

  private final String configName;

  ResizeMode(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
