package dev.vigil.capture.agent;

import dev.vigil.capture.sampling.CaptureMode;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One monitored endpoint as the agent needs it (mirrors {@code endpoints[]} of the config schema;
 * the CLI maps {@code dev.vigil.config.EndpointConfig} onto it).
 *
 * @param kafkaTopic per-endpoint topic overriding the sink template, or null
 */
public record EndpointSettings(
    String name,
    String variant,
    URI upstream,
    String pathPrefix,
    String host,
    double samplingPercent,
    String requestIdHeader,
    CaptureMode mode,
    List<String> textContentTypes,
    String inferenceIdHeader,
    long maxBodyBytes,
    List<String> redact,
    boolean captureUpstreamErrors,
    String kafkaTopic) {
  /** Defaults of the config schema. */
  public static final List<String> DEFAULT_TEXT_TYPES = List.of("application/json", "text/csv", "text/plain");
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  public EndpointSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    variant = variant == null ? "default" : variant;
    pathPrefix = pathPrefix == null ? "/" : pathPrefix;
    mode = mode == null ? CaptureMode.InputAndOutput : mode;
    textContentTypes = List.copyOf(textContentTypes == null ? DEFAULT_TEXT_TYPES : textContentTypes);
    redact = List.copyOf(redact == null ? List.of() : redact);
  }

  /** An endpoint with every default: all paths, 100% sampling, InputAndOutput, 10 MB limit. */
  public static EndpointSettings of(String name, URI upstream) {
    return new EndpointSettings(
        name, "default", upstream, "/", null, 100, "X-Request-Id", CaptureMode.InputAndOutput,
        DEFAULT_TEXT_TYPES, "X-Inference-Id", DEFAULT_MAX_BODY_BYTES, List.of(), true, null);
  }

  public EndpointSettings withSamplingPercent(double p) {
    return new EndpointSettings(name, variant, upstream, pathPrefix, host, p, requestIdHeader, mode,
        textContentTypes, inferenceIdHeader, maxBodyBytes, redact, captureUpstreamErrors, kafkaTopic);
  }

  public EndpointSettings withRoute(String pathPrefix, String host) {
    return new EndpointSettings(name, variant, upstream, pathPrefix, host, samplingPercent, requestIdHeader, mode,
        textContentTypes, inferenceIdHeader, maxBodyBytes, redact, captureUpstreamErrors, kafkaTopic);
  }

  public EndpointSettings withCapture(CaptureMode mode, long maxBodyBytes, List<String> redact) {
    return new EndpointSettings(name, variant, upstream, pathPrefix, host, samplingPercent, requestIdHeader, mode,
        textContentTypes, inferenceIdHeader, maxBodyBytes, redact, captureUpstreamErrors, kafkaTopic);
  }

  public EndpointSettings withVariant(String variant) {
    return new EndpointSettings(name, variant, upstream, pathPrefix, host, samplingPercent, requestIdHeader, mode,
        textContentTypes, inferenceIdHeader, maxBodyBytes, redact, captureUpstreamErrors, kafkaTopic);
  }
}
