package dev.vigil.config;

import java.util.Objects;

/**
 * The Quartz job store ({@code monitor.jobStore}).
 *
 * @param type {@code memory} (one node) or {@code jdbc} (clustered replicas)
 * @param jdbcUrl database URL, required for {@code jdbc}; {@code null} otherwise
 * @param user database user, may be {@code null}
 * @param password database password (empty when not set)
 * @param instanceId Quartz instance id; {@code AUTO} generates one per node
 */
public record JobStoreConfig(
    JobStoreType type, String jdbcUrl, String user, Secret password, String instanceId) {
  public JobStoreConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(instanceId, "instanceId");
  }

  /** A {@code password=} parameter in the JDBC URL is masked like the password itself. */
  @Override
  public String toString() {
    return "JobStoreConfig[type=" + type + ", jdbcUrl=" + Redaction.jdbcUrl(jdbcUrl) + ", user=" + user
        + ", password=" + password + ", instanceId=" + instanceId + "]";
  }
}
