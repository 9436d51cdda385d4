package dev.vigil.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One monitored inference endpoint ({@code endpoints[]}).
 *
 * @param name unique id, {@code [a-z0-9][a-z0-9-]*}; used in S3 keys and topic names
 * @param variant model variant (default {@code "default"})
 * @param upstream model server base URL (http); {@code null} when not set (the agent requires it)
 * @param route how the agent maps a request to this endpoint
 * @param sampling which requests are captured
 * @param capture what is captured and how much
 * @param kafkaTopic overrides {@code sinks.kafka.topic} for this endpoint; {@code null} if not set
 * @param output how predictions are read from the captured response
 * @param labels optional labels file (one label per line, index = line number); may be {@code null}
 * @param preprocessing image to tensor, for saliency replay
 */
public record EndpointConfig(
    String name,
    String variant,
    URI upstream,
    RouteConfig route,
    SamplingConfig sampling,
    CaptureConfig capture,
    String kafkaTopic,
    OutputConfig output,
    Path labels,
    PreprocessingConfig preprocessing) {

  public EndpointConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(capture, "capture");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(preprocessing, "preprocessing");
  }
}
