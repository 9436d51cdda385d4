package dev.vigil.cli;

import dev.vigil.cli.support.ExitCodes;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.stats.WindowStatistics;
import dev.vigil.monitor.window.FileWindowSource;
import dev.vigil.monitor.window.Window;
import dev.vigil.pipeline.signals.OnnxModelProbes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code vigil baseline}: statistics.json + editable constraints.json from a window of captures or
 * from local capture files.
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description = {
      "Build a baseline for one endpoint: statistics.json (the reference class distribution and"
          + " confidence figures) and constraints.json (the limits, from monitor.thresholds; edit it"
          + " by hand, e.g. classShareMaxByClass for a class that is legitimately common).",
      "Point monitor.baseline at --out to use it ({endpoint} in monitor.baseline stands for the endpoint name)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:baseline written", "1:captures unreachable or output not writable", "2:bad options or configuration"})
final class BaselineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The YAML configuration file (output format, labels, thresholds, sources).")
  Path config;

  @Option(names = {"-e", "--endpoint"}, required = true, paramLabel = "NAME", description = "Endpoint name from the config.")
  String endpoint;

  @ArgGroup(exclusive = true, multiplicity = "1")
  CaptureSelection input;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Directory or s3://bucket/prefix to write to; default monitor.baseline.")
  String out;

  @Override
  public Integer call() throws Exception {
    VigilConfig cfg = ConfigLoader.load(config);
    if (cfg.endpoint(endpoint).isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--endpoint: no endpoint named '" + endpoint + "' in the config");
    }
    String target = out != null ? out
        : cfg.monitor().baseline() == null ? null : MonitorRuntime.baselineLocation(cfg.monitor().baseline(), endpoint);
    if (target == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out is required when monitor.baseline is not set");
    }
    Window window = input.window(spec);
    // With saliency.signals on, the baseline also keeps the model's embeddings of a sample of its inputs.
    try (OnnxModelProbes probes = OnnxModelProbes.openIfEnabled(cfg, null);
        MonitorRuntime runtime = new MonitorRuntime(cfg, null, List.of(), false, Clock.systemUTC(), probes)) {
      FileWindowSource files = input.filesOrNull();
      Baseline b;
      try (WindowProgress progress = new WindowProgress(spec.commandLine().getErr(), "reading " + endpoint)) {
        b = runtime.baselineMonitor(endpoint, files).baseline(window, progress.counter(),
            MonitorRuntime.constraints(cfg.monitor()));
      }
      runtime.baselines().write(target, b);
      WindowStatistics r = b.statistics();
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "baseline of %s: %d predictions from %d records (%d unusable), %d classes -> %s/{statistics,constraints%s}.json%n",
          endpoint, r.count(), r.records(), r.unusableTotal(), r.classes().size(), target,
          b.signals() == null ? "" : ",signals");
      if (b.signals() != null) {
        o.printf(Locale.ROOT, "model-side signals: %d inputs embedded (%s, %d dimensions), screening threshold %s at %.0f%%"
                + " false positives%n", b.signals().embeddings().rows(), b.signals().embeddingNode(),
            b.signals().embeddings().columns(), b.signals().squeezeThreshold(), 100 * b.signals().falsePositiveRate());
      }
      if (r.count() < cfg.monitor().minRecords()) {
        o.printf(Locale.ROOT, "warning: only %d predictions, fewer than monitor.minRecords %d; the baseline is thin%n",
            r.count(), cfg.monitor().minRecords());
      }
      o.flush();
    }
    return ExitCodes.OK;
  }
}
