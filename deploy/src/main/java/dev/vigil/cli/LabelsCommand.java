package dev.vigil.cli;

import dev.vigil.cli.support.BadInput;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.ProgressBar;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.GroundTruthSource;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.truth.GroundTruth;
import dev.vigil.monitor.truth.GroundTruthWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil labels push}: ground truth in SageMaker's format, where the monitor reads it. */
@Command(
    name = "labels",
    mixinStandardHelpOptions = true,
    description = "Ground-truth labels for the monitor's accuracy checks (SageMaker's ground-truth format).",
    subcommands = {LabelsCommand.Push.class})
final class LabelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Push labels from FILE (CSV rows 'id,label' or JSON Lines {\"id\":...,\"label\":...}) as SageMaker"
            + " ground-truth records to monitor.groundTruth.source: S3 (s3Prefix, hourly folders) or Kafka (topic).",
        "id is the prediction's inference id (the X-Inference-Id header) or its capture eventId; label is a class"
            + " index or a label of the endpoint's labels file. The file is checked whole first: one bad line"
            + " and nothing is pushed. Windows whose predictions get labels are re-evaluated by the monitor within"
            + " monitor.groundTruth.maxDelay."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:every label was stored", "1:S3 or Kafka refused them (the message says how many were stored)",
          "2:bad file, options or configuration"})
  static final class Push implements Callable<Integer> {
    /** Labels per S3 object / Kafka flush. */
    static final int BATCH = 5000;

    @Spec CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = {"-e", "--endpoint"}, required = true, paramLabel = "NAME", description = "Endpoint name from the config.")
    String endpoint;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV (id,label) or JSON Lines of labels.")
    Path file;

    @Override
    public Integer call() throws Exception {
      VigilConfig cfg = ConfigLoader.load(config);
      EndpointConfig e = cfg.endpoint(endpoint).orElseThrow(() -> new BadInput("--endpoint: no endpoint named '"
          + endpoint + "' in the config; configured: " + cfg.endpoints().stream().map(EndpointConfig::name).toList()));
      if (cfg.monitor().groundTruth().source() == GroundTruthSource.NONE) {
        throw new BadInput("monitor.groundTruth.source is none in " + config
            + ": set it to s3 or kafka so the monitor reads the labels you push");
      }
      LabelFile labels = LabelFile.read(file, new GroundTruth(MonitorRuntime.outputSpec(e).labels()));
      PrintWriter out = spec.commandLine().getOut();
      int total = labels.records().size();
      int stored = 0;
      try (MonitorRuntime runtime = new MonitorRuntime(cfg, null, List.of(), false, Clock.systemUTC());
          GroundTruthWriter writer = runtime.labelWriter(endpoint)) {
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), 30);
        bar.update("pushing labels", 0, total);
        try {
          for (int from = 0; from < total; from += BATCH) {
            List<dev.vigil.capture.format.GroundTruthRecord> batch =
                labels.records().subList(from, Math.min(total, from + BATCH));
            writer.write(batch);
            stored += batch.size();
            bar.update("pushing labels", stored, total);
          }
        } catch (java.io.IOException failed) {
          bar.end();
          throw new java.io.IOException(String.format(Locale.ROOT, "%s; %d of %d labels were stored before it,"
              + " pushing the file again is safe (the last label of an id counts)", failed.getMessage(), stored, total),
              failed);
        }
        bar.end();
        out.printf(Locale.ROOT, "pushed %d labels of %s to %s%s%n", total, endpoint, writer.destination(),
            labels.duplicates() == 0 ? ""
                : String.format(Locale.ROOT, " (%d ids labelled more than once: the last label counts)", labels.duplicates()));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
