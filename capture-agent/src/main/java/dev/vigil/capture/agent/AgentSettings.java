package dev.vigil.capture.agent;

import dev.vigil.capture.sampling.Redactor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link CaptureAgent} needs, mirroring the {@code endpoints}, {@code sinks} and
 * {@code agent} sections of the config schema. Built by the CLI from {@code VigilConfig}, or
 * directly by tests and embedders.
 *
 * @param kafka the Kafka sink, or null when disabled
 * @param s3 the S3 sink, or null when disabled
 * @param bufferBytes in-memory byte budget in front of the sinks (half for captures being copied and
 *     waiting to be encoded, half split between the sinks' memory queues)
 * @param ioThreads event loops for the proxy (0 = number of cores)
 * @param metricsToken bearer token the admin port's {@code /metrics} requires; null: none
 * @param redactionKeys HMAC keys for the endpoints' redaction, newest (the one that hashes) first
 */
public record AgentSettings(
    List<EndpointSettings> endpoints,
    KafkaSettings kafka,
    S3Settings s3,
    String listenHost,
    int listenPort,
    String adminHost,
    int adminPort,
    long bufferBytes,
    Path spoolDirectory,
    long spoolMaxBytes,
    Duration shutdownGrace,
    Duration upstreamTimeout,
    int ioThreads,
    String metricsToken,
    List<Redactor.Key> redactionKeys) {

  public AgentSettings {
    endpoints = List.copyOf(endpoints);
    redactionKeys = List.copyOf(redactionKeys == null ? List.of() : redactionKeys);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("endpoints: at least one endpoint is required");
    }
    Objects.requireNonNull(spoolDirectory, "spoolDirectory");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
    if (bufferBytes < 1024 * 1024) {
      throw new IllegalArgumentException("agent.bufferBytes must be at least 1MB, was " + bufferBytes);
    }
    if (spoolMaxBytes < 1024 * 1024) {
      throw new IllegalArgumentException("agent.spool.maxBytes must be at least 1MB, was " + spoolMaxBytes);
    }
  }

  /** Like the record's own, with the metrics token masked. */
  @Override
  public String toString() {
    return "AgentSettings[endpoints=" + endpoints + ", kafka=" + kafka + ", s3=" + s3 + ", listen=" + listenHost + ":"
        + listenPort + ", admin=" + adminHost + ":" + adminPort + ", bufferBytes=" + bufferBytes + ", spoolDirectory="
        + spoolDirectory + ", spoolMaxBytes=" + spoolMaxBytes + ", shutdownGrace=" + shutdownGrace + ", upstreamTimeout="
        + upstreamTimeout + ", ioThreads=" + ioThreads + ", metricsToken="
        + (metricsToken == null || metricsToken.isEmpty() ? "" : "****") + ", redactionKeys=" + redactionKeys + "]";
  }

  /** Settings without redaction keys. */
  public AgentSettings(List<EndpointSettings> endpoints, KafkaSettings kafka, S3Settings s3, String listenHost,
      int listenPort, String adminHost, int adminPort, long bufferBytes, Path spoolDirectory, long spoolMaxBytes,
      Duration shutdownGrace, Duration upstreamTimeout, int ioThreads) {
    this(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes, spoolDirectory,
        spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, null, List.of());
  }

  public AgentSettings withRedactionKeys(List<Redactor.Key> keys) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, keys);
  }

  /**
   * @param topic topic template with an {@code {endpoint}} placeholder
   * @param compression zstd, lz4 or none
   * @param producer pass-through producer properties (SASL/TLS...)
   */
  public record KafkaSettings(String bootstrapServers, String topic, String compression, Map<String, String> producer) {
    public KafkaSettings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      topic = topic == null ? "vigil.capture.{endpoint}" : topic;
      compression = compression == null ? "zstd" : compression;
      producer = Map.copyOf(producer == null ? Map.of() : producer);
    }
  }

  /**
   * @param endpointOverride e.g. http://127.0.0.1:9000 for S3Proxy/MinIO, or null for AWS
   * @param accessKeyId null or empty = default AWS credential chain
   */
  public record S3Settings(
      String bucket, String prefix, String region, URI endpointOverride, boolean pathStyle,
      String accessKeyId, String secretAccessKey, long objectMaxBytes, Duration objectMaxAge) {
    public S3Settings {
      Objects.requireNonNull(bucket, "bucket");
      prefix = prefix == null ? "capture" : prefix;
      region = region == null ? "us-east-1" : region;
      objectMaxAge = objectMaxAge == null ? Duration.ofSeconds(60) : objectMaxAge;
      if (objectMaxBytes <= 0) {
        objectMaxBytes = 8L * 1024 * 1024;
      }
    }

    @Override
    public String toString() {
      return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", region=" + region
          + ", endpointOverride=" + endpointOverride + ", pathStyle=" + pathStyle + ", accessKeyId="
          + (accessKeyId == null || accessKeyId.isEmpty() ? "(default chain)" : "****") + "]";
    }
  }

  /**
   * Settings with the schema's defaults: listen 0.0.0.0:8081, admin 127.0.0.1:8082 (no metrics token),
   * 64MB buffer, 1GB spool.
   */
  public static AgentSettings defaults(List<EndpointSettings> endpoints, KafkaSettings kafka, S3Settings s3, Path spool) {
    return new AgentSettings(endpoints, kafka, s3, "0.0.0.0", 8081, "127.0.0.1", 8082, 64L << 20, spool, 1L << 30,
        Duration.ofSeconds(20), Duration.ofSeconds(30), 0, null, List.of());
  }

  /** The same with {@code /metrics} behind {@code Authorization: Bearer <metricsToken>}. */
  public AgentSettings withMetricsToken(String metricsToken) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }

  public AgentSettings withPorts(String host, int listenPort, int adminPort) {
    return new AgentSettings(endpoints, kafka, s3, host, listenPort, host, adminPort, bufferBytes, spoolDirectory,
        spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }

  public AgentSettings withEndpoints(List<EndpointSettings> endpoints) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }

  public AgentSettings withTimeouts(Duration upstreamTimeout, Duration shutdownGrace) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }

  public AgentSettings withBuffers(long bufferBytes, long spoolMaxBytes) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }

  public AgentSettings withSinks(KafkaSettings kafka, S3Settings s3) {
    return new AgentSettings(endpoints, kafka, s3, listenHost, listenPort, adminHost, adminPort, bufferBytes,
        spoolDirectory, spoolMaxBytes, shutdownGrace, upstreamTimeout, ioThreads, metricsToken, redactionKeys);
  }
}
