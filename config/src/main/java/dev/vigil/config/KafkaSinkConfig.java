package dev.vigil.config;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The Kafka sink ({@code sinks.kafka}).
 *
 * @param enabled whether captures go to Kafka
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param topic topic name template; {@code {endpoint}} is replaced by the endpoint name
 * @param compression producer compression
 * @param producer extra producer properties passed through verbatim (SASL, TLS, ...); values of
 *     secret-looking keys (password, secret, jaas, token, credentials, {@code *.key}) are
 *     masked in {@link #toString()} and in printed configs
 */
public record KafkaSinkConfig(
    boolean enabled,
    String bootstrapServers,
    String topic,
    Compression compression,
    Map<String, String> producer) {

  /** The placeholder in {@link #topic()} that stands for the endpoint name. */
  public static final String ENDPOINT_PLACEHOLDER = "{endpoint}";

  public KafkaSinkConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(compression, "compression");
    // Keeps the file's order (Map.copyOf would not), so printed configs read like the input.
    producer = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(producer));
  }

  /**
   * Producer properties: {@code bootstrap.servers} and {@code compression.type} from this
   * section, then {@link #producer()}. Contains secrets in clear: never log it.
   */
  public Properties producerProperties() {
    Properties props = new Properties();
    props.putAll(producer);
    props.put("bootstrap.servers", bootstrapServers);
    props.put("compression.type", compression.configName());
    return props;
  }

  /** Whether a producer property holds a secret and must be masked when printed. */
  public static boolean isSecretProperty(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password")
        || k.contains("secret")
        || k.contains("jaas")
        || k.contains("token")
        || k.contains("credential")
        || k.endsWith(".key")
        || k.endsWith("apikey");
  }

  @Override
  public String toString() {
    return "KafkaSinkConfig[enabled=" + enabled + ", bootstrapServers=" + bootstrapServers
        + ", topic=" + topic + ", compression=" + compression + ", producer="
        + ConfigPrinter.maskedProducer(producer) + "]";
  }
}
