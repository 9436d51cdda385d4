package dev.vigil.console;

import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.StopSignal;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code vigil console --config FILE [--port 8090]}: the read-only web console, until stopped. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the read-only web console: every endpoint over time, its windows with violations, charts and"
          + " flagged samples with their FullGrad heatmaps, the baseline, and a look-up of one captured request"
          + " (FullGrad on demand when saliency.model is set).",
      "It reads what the monitor wrote to S3 (sinks.s3's bucket and prefix), so it works with any number of"
          + " monitor replicas and after restarts. Listens on console.host:console.port (127.0.0.1:8090 by"
          + " default) with console.auth. Runs until stopped (Ctrl-C / SIGTERM)."
    })
public final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
  Path config;

  @Option(names = "--port", paramLabel = "PORT", description = "Overrides console.port (default 8090; 0: any free port).")
  Integer port;

  @Option(names = "--host", paramLabel = "HOST", description = "Overrides console.host (default 127.0.0.1).")
  String host;

  private final StopSignal stopped = new StopSignal();

  /** Stops a running console (tests). */
  void stop() {
    stopped.stop();
  }

  @Override
  public Integer call() throws Exception {
    if (port != null && (port < 0 || port > 65535)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--port must be between 0 and 65535, got " + port);
    }
    VigilConfig cfg = ConfigLoader.load(config);
    String h = host != null ? host : cfg.console().host();
    int p = port != null ? port : cfg.console().port();
    PrintWriter out = spec.commandLine().getOut();
    try (S3Client s3 = MonitorRuntime.s3Client(cfg.sinks().s3());
        ConsoleServer server = new ConsoleServer(cfg, s3, h, p, Clock.systemUTC())) {
      out.printf(Locale.ROOT, "vigil console: http://%s:%d/ (auth %s), reading s3://%s/%s%n", h, server.port(),
          cfg.console().auth().type().configName(), cfg.sinks().s3().bucket(), cfg.sinks().s3().prefix());
      out.flush();
      stopped.await("vigil-console-shutdown", () -> { });
    }
    return ExitCodes.OK;
  }
}
