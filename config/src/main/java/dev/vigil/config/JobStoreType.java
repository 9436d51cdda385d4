package dev.vigil.config;

/** Quartz job store (`monitor.jobStore.type`): in memory (one node) or JDBC (clustered). */
public enum JobStoreType implements ConfigName {
  MEMORY("memory"),
  JDBC("jdbc");

  private final String configName;

  JobStoreType(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
