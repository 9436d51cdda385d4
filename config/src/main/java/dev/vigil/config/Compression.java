package dev.vigil.config;

/** Kafka producer compression (`sinks.kafka.compression`). */
public enum Compression implements ConfigName {
  ZSTD("zstd"),
  LZ4("lz4"),
  NONE("none");

  private final String configName;

  Compression(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
