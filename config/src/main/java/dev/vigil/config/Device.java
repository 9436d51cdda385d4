package dev.vigil.config;

/** Where saliency replay runs (`saliency.device`); cuda falls back to cpu with a logged reason. */
public enum Device implements ConfigName {
  CPU("cpu"),
  CUDA("cuda");

  private final String configName;

  Device(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
