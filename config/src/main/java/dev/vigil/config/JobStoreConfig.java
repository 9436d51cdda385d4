package dev.vigil.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Quartz job store ({@code monitor.jobStore}).
 *
 * @param type {@code memory} (one node) or {@code jdbc} (clustered replicas)
 * @param jdbcUrl database URL, required for {@code jdbc}; {@code null} otherwise
 * @param user database user, may be {@code null}
 * @param password database password (empty when not set)
 * @param instanceId Quartz instance id; {@code AUTO} generates one per node
 * @param clusterCheckin how often a replica checks in; a replica silent for about this long plus
 *     7.5 s is taken for dead, and the window it was running is rerun by another
 */
public record JobStoreConfig(
    JobStoreType type, String jdbcUrl, String user, Secret password, String instanceId, Duration clusterCheckin) {
  public JobStoreConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(clusterCheckin, "clusterCheckin");
  }

  /** A {@code password=} parameter in the JDBC URL is masked like the password itself. */
  @Override
  public String toString() {
    return "JobStoreConfig[type=" + type + ", jdbcUrl=" + Redaction.jdbcUrl(jdbcUrl) + ", user=" + user
        + ", password=" + password + ", instanceId=" + instanceId + ", clusterCheckin=" + clusterCheckin + "]";
  }
}
