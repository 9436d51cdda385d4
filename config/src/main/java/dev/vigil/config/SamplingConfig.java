package dev.vigil.config;

import java.util.Objects;

/**
 * Which requests are captured ({@code endpoints[].sampling}).
 *
 * @param percent share of requests captured, 0 to 100, fractions allowed (default 100)
 * @param requestIdHeader when a request carries this header, sampling is decided by a hash of
 *     its value, so retries of one request are sampled alike (default {@code X-Request-Id})
 */
public record SamplingConfig(double percent, String requestIdHeader) {
  public SamplingConfig {
    Objects.requireNonNull(requestIdHeader, "requestIdHeader");
  }
}
