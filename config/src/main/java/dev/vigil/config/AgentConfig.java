package dev.vigil.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The capture agent ({@code agent}).
 *
 * @param listen where the proxy accepts model traffic
 * @param admin where {@code /healthz}, {@code /readyz} and {@code /metrics} are served
 * @param bufferBytes in-memory byte budget in front of the sinks
 * @param spool disk overflow
 * @param shutdownGrace time to drain on shutdown
 * @param upstreamTimeout how long a request to the model server may take
 * @param redactionKeys HMAC secrets for {@code capture.redact}, newest (the one that hashes) first
 */
public record AgentConfig(
    ListenAddress listen,
    AdminConfig admin,
    long bufferBytes,
    SpoolConfig spool,
    Duration shutdownGrace,
    Duration upstreamTimeout,
    List<RedactionKeyConfig> redactionKeys) {

  public AgentConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
    redactionKeys = List.copyOf(redactionKeys == null ? List.of() : redactionKeys);
  }

  /** An agent with no redaction keys. */
  public AgentConfig(ListenAddress listen, AdminConfig admin, long bufferBytes, SpoolConfig spool,
      Duration shutdownGrace, Duration upstreamTimeout) {
    this(listen, admin, bufferBytes, spool, shutdownGrace, upstreamTimeout, List.of());
  }
}
