package dev.vigil.config;

/** Where ground-truth labels are read from ({@code monitor.groundTruth.source}). */
public enum GroundTruthSource implements ConfigName {
  /** No labels: windows get no realised accuracy (an estimate still, with a calibrated baseline). */
  NONE("none"),
  /** JSON Lines objects under {@code sinks.s3.bucket}/{@code s3Prefix}/yyyy/MM/dd/HH/. */
  S3("s3"),
  /** One JSON object per record of {@code topic}. */
  KAFKA("kafka");

  private final String configName;

  GroundTruthSource(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
