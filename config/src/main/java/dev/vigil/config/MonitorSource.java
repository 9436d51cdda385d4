package dev.vigil.config;

/** Where monitor jobs read captures from (`monitor.source`). */
public enum MonitorSource implements ConfigName {
  S3("s3"),
  KAFKA("kafka");

  private final String configName;

  MonitorSource(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
