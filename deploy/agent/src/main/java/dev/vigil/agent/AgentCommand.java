package dev.vigil.agent;

import dev.vigil.capture.agent.AgentSettings;
import dev.vigil.capture.agent.CaptureAgent;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    AgentSettings settings = AgentConfigMapping.settings(ConfigLoader.load(config));
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
    return ExitCodes.OK;
  }
}
