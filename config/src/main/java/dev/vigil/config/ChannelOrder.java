package dev.vigil.config;

/** Channel order of the model's input tensor (`endpoints[].preprocessing.channelOrder`). */
public enum ChannelOrder implements ConfigName {
  RGB("RGB"),
  BGR("BGR");

  private final String configName;

  ChannelOrder(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
