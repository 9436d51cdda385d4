package dev.vigil.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An admin port ({@code agent.admin}, {@code monitor.admin}): {@code /healthz}, {@code /readyz} and
 * {@code /metrics}.
 *
 * @param key where it sits in the file ({@code agent.admin}), named in errors
 * @param host interface to bind; {@code 127.0.0.1} by default, so nothing is exposed unless asked
 * @param port TCP port, {@code 0} for an ephemeral one
 * @param metricsToken bearer token {@code /metrics} requires (the probes stay open); empty: none
 * @param metricsTokenFile a file holding that token instead (a mounted Secret); null: none
 */
public record AdminConfig(String key, String host, int port, Secret metricsToken, Path metricsTokenFile) {
  public AdminConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(metricsToken, "metricsToken");
  }

  /**
   * The token {@code /metrics} requires, read from {@link #metricsTokenFile()} when that is set
   * (at start, not at parse time: the file is usually a Secret mounted into the container only).
   *
   * @return the empty secret when neither is set
   * @throws ConfigException when the file cannot be read or holds no token, naming the key
   */
  public Secret resolveMetricsToken() {
    if (metricsTokenFile == null) {
      return metricsToken;
    }
    String at = key + ".metricsTokenFile";
    try {
      String token = Files.readString(metricsTokenFile, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new ConfigException(List.of(at + ": " + metricsTokenFile + " is empty; write the token into it"));
      }
      return Secret.of(token);
    } catch (IOException e) {
      throw new ConfigException(List.of(at + ": cannot read " + metricsTokenFile + " (" + e.getClass().getSimpleName()
          + "); mount the token file there or set " + key + ".metricsToken instead"));
    }
  }
}
