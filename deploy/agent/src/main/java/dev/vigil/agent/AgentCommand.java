package dev.vigil.cli;

import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.agent.CaptureAgent;
import dev.vigil.capture.agent.EndpointSettings;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.KafkaSinkConfig;
import dev.vigil.config.S3SinkConfig;
import dev.vigil.config.VigilConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil agent --config FILE}: runs the capture agent (reverse proxy + sampling into Kafka
 * and S3) until SIGTERM/SIGINT, then flushes buffers and open S3 objects within
 * {@code agent.shutdownGrace}.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the capture agent: an HTTP/1.1 reverse proxy in front of each endpoint's model server"
          + " (endpoints[].upstream) that samples request/response pairs into Kafka and S3.",
      "Stops on SIGTERM/SIGINT, flushing buffers and open S3 objects within agent.shutdownGrace;"
          + " unshipped records stay in agent.spool.directory and are shipped at the next start."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by a signal after a clean shutdown",
      "1:the agent could not start (port in use, spool directory unusable...)",
      "2:the configuration is missing or invalid"
    })
public final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The YAML configuration file (endpoints, sinks, agent sections).")
  Path config;

  @Override
  public Integer call() throws Exception {
    AgentSettings settings = settings(ConfigLoader.load(config));
    PrintWriter out = spec.commandLine().getOut();
    CaptureAgent agent = CaptureAgent.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent.close();
      } finally {
        stopped.countDown();
      }
    }, "vigil-agent-shutdown"));
    out.println("vigil agent: proxy on " + settings.listenHost() + ":" + agent.port() + ", admin on "
        + settings.adminHost() + ":" + agent.adminPort() + " (/healthz /readyz /metrics); Ctrl-C or SIGTERM stops it");
    out.flush();
    stopped.await();
    return VigilCli.EXIT_OK;
  }

  /**
   * The agent's settings from a loaded configuration.
   *
   * @throws ConfigException when an endpoint has no upstream (required for the agent)
   */
  public static AgentSettings settings(VigilConfig c) {
    List<String> problems = new ArrayList<>();
    List<EndpointSettings> endpoints = new ArrayList<>();
    for (int i = 0; i < c.endpoints().size(); i++) {
      EndpointConfig e = c.endpoints().get(i);
      if (e.upstream() == null) {
        problems.add("endpoints[" + i + "].upstream: required by the agent; set the model server's base URL, e.g. http://127.0.0.1:8080");
        continue;
      }
      var cap = e.capture();
      endpoints.add(new EndpointSettings(
          e.name(), e.variant(), e.upstream(), e.route().pathPrefix(), e.route().host(),
          e.sampling().percent(), e.sampling().requestIdHeader(), mode(cap.mode()),
          cap.textContentTypes(), cap.inferenceIdHeader(), cap.maxBodyBytes(), cap.redact(),
          cap.captureUpstreamErrors(), e.kafkaTopic()));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    KafkaSinkConfig k = c.sinks().kafka();
    AgentSettings.KafkaSettings kafka = k.enabled()
        ? new AgentSettings.KafkaSettings(k.bootstrapServers(), k.topic(), k.compression().configName(),
            k.producer() == null ? Map.of() : k.producer())
        : null;
    S3SinkConfig s = c.sinks().s3();
    AgentSettings.S3Settings s3 = s.enabled()
        ? new AgentSettings.S3Settings(s.bucket(), s.prefix(), s.region(), s.endpointOverride(), s.pathStyle(),
            s.accessKeyId() == null ? null : s.accessKeyId().reveal(),
            s.secretAccessKey() == null ? null : s.secretAccessKey().reveal(),
            s.objectMaxBytes(), s.objectMaxAge())
        : null;
    var a = c.agent();
    return new AgentSettings(endpoints, kafka, s3, a.listen().host(), a.listen().port(), a.admin().host(),
        a.admin().port(), a.bufferBytes(), a.spool().directory(), a.spool().maxBytes(), a.shutdownGrace(),
        a.upstreamTimeout(), 0);
  }

  private static CaptureMode mode(dev.vigil.config.CaptureMode m) {
    return switch (m) {
      case INPUT -> CaptureMode.Input;
      case OUTPUT -> CaptureMode.Output;
      case INPUT_AND_OUTPUT -> CaptureMode.InputAndOutput;
    };
  }
}
