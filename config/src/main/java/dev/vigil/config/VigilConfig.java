package dev.vigil.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One deployment's configuration: the root of the YAML file, validated and with every
 * default filled in. Build it with {@link ConfigLoader}; print it with {@link ConfigPrinter}.
 *
 * @param endpoints the monitored inference endpoints, at least one, names unique
 * @param sinks where the agent writes captures
 * @param agent the capture agent (sidecar)
 * @param monitor the scheduled monitor jobs
 * @param saliency FullGrad replay of flagged samples
 * @param alerts alert e-mails and webhook
 * @param console the read-only web console
 */
public record VigilConfig(
    List<EndpointConfig> endpoints,
    SinksConfig sinks,
    AgentConfig agent,
    MonitorConfig monitor,
    SaliencyConfig saliency,
    AlertsConfig alerts,
    ConsoleConfig console) {

  public VigilConfig {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(sinks, "sinks");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(saliency, "saliency");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(console, "console");
  }

  /** Without a {@code console} section: {@link ConsoleConfig#defaults()}. */
  public VigilConfig(List<EndpointConfig> endpoints, SinksConfig sinks, AgentConfig agent, MonitorConfig monitor,
      SaliencyConfig saliency, AlertsConfig alerts) {
    this(endpoints, sinks, agent, monitor, saliency, alerts, ConsoleConfig.defaults());
  }

  /** The endpoint called {@code name}, if configured. */
  public Optional<EndpointConfig> endpoint(String name) {
    return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * The Kafka topic captures of {@code endpoint} go to: its own {@code kafkaTopic} when set,
   * else {@code sinks.kafka.topic} with {@code {endpoint}} replaced by the endpoint's name.
   */
  public String kafkaTopic(EndpointConfig endpoint) {
    String template = endpoint.kafkaTopic() != null ? endpoint.kafkaTopic() : sinks.kafka().topic();
    return template.replace(KafkaSinkConfig.ENDPOINT_PLACEHOLDER, endpoint.name());
  }

  /** The effective configuration as YAML, secrets masked (same as {@link ConfigPrinter#toYaml}). */
  public String toYaml() {
    return ConfigPrinter.toYaml(this);
  }
}
