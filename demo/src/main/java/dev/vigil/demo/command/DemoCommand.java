package dev.vigil.demo.command;

import dev.vigil.cli.support.CommandRunner;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.LogLevels;
import dev.vigil.cli.support.ProgressBar;
import dev.vigil.classes.Labels;
import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.model.DemoModel;
import dev.vigil.demo.scenario.DemoListener;
import dev.vigil.demo.scenario.DemoResult;
import dev.vigil.demo.scenario.DemoScenario;
import dev.vigil.demo.scenario.DemoSettings;
import dev.vigil.demo.server.ModelServer;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.monitor.check.Violation;
import dev.vigil.saliency.SaliencyFailures;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code vigil demo}: the whole scenario in one process ({@link DemoScenario}), and the demo's
 * building blocks as subcommands.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the whole Vigil story on this machine, nothing to install: the embedded stack (Kafka, S3, SMTP),"
          + " the demo traffic-sign model behind the capture agent (50%% sampling), clean traffic and a"
          + " baseline, a clean window that must stay quiet, then a window of adversarial signs (PGD,"
          + " L-inf <= 8/255) that the model reads as Stop. The monitor finds Stop over-predicted and low"
          + " confidence, FullGrad explains the flagged samples (with clean-vs-adversarial pairs) and the"
          + " alert email goes out through the embedded SMTP server.",
      "Progress on stderr; a summary with every file's path on stdout. Everything lands in --out."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the story held (quiet clean window; Stop over-predicted and low confidence found; email sent)",
      "1:something failed or the story did not hold (the message says what; out folder not writable, port in use)",
      "2:bad option"
    },
    subcommands = {DemoCommand.Generate.class, DemoCommand.Serve.class, DemoTrainCommand.class})
public final class DemoCommand implements Callable<Integer> {
  static final int BAR_WIDTH = 40;

  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "./vigil-demo-out", paramLabel = "DIR",
      description = "Folder for everything the demo writes: new, empty or from an earlier demo run"
          + " (whose files are replaced). Default: ${DEFAULT-VALUE}")
  Path out;

  @Option(names = "--model", paramLabel = "FILE",
      description = "ONNX classifier to attack and monitor (default: the committed demo model).")
  Path model;

  @Option(names = "--baseline-requests", defaultValue = "500", paramLabel = "N",
      description = "Clean requests the baseline is built from. Default: ${DEFAULT-VALUE}")
  int baselineRequests;

  @Option(names = "--clean-requests", defaultValue = "250", paramLabel = "N",
      description = "Clean requests of the check window, which must raise no violation. Default: ${DEFAULT-VALUE}")
  int cleanRequests;

  @Option(names = "--attacked", defaultValue = "200", paramLabel = "N",
      description = "Adversarial (PGD) images of non-Stop signs in the attack window. Default: ${DEFAULT-VALUE}")
  int attacked;

  @Option(names = "--attack-clean", defaultValue = "50", paramLabel = "N",
      description = "Clean requests mixed into the attack window. Default: ${DEFAULT-VALUE}")
  int attackClean;

  @Option(names = "--sampling", defaultValue = "50", paramLabel = "PERCENT",
      description = "The agent's sampling percent. Default: ${DEFAULT-VALUE}")
  double sampling;

  @Option(names = "--min-records", defaultValue = "60", paramLabel = "N",
      description = "monitor.minRecords: fewer sampled predictions leave a window unjudged. Default: ${DEFAULT-VALUE}")
  int minRecords;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "SEED",
      description = "Seed of every generated image (same seed, same requests, same samples). Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--epsilon", defaultValue = "8", paramLabel = "LEVELS",
      description = "PGD L-inf budget in 1/255 steps, 1..8. Default: ${DEFAULT-VALUE}")
  int epsilon;

  @Option(names = "--pgd-steps", defaultValue = "24", paramLabel = "N",
      description = "PGD steps per image at most (1/255 each). Default: ${DEFAULT-VALUE}")
  int pgdSteps;

  @Option(names = "--agent-port", defaultValue = "0", paramLabel = "PORT",
      description = "Capture agent port on 127.0.0.1; 0 = any free port. Default: ${DEFAULT-VALUE}")
  int agentPort;

  @Option(names = "--model-port", defaultValue = "0", paramLabel = "PORT",
      description = "Model server port on 127.0.0.1; 0 = any free port. Default: ${DEFAULT-VALUE}")
  int modelPort;

  @Override
  public Integer call() {
    DemoSettings settings;
    try {
      StopSignAttack.Settings d = StopSignAttack.Settings.DEFAULTS;
      settings = new DemoSettings(out, model, baselineRequests, cleanRequests, attacked, attackClean, sampling,
          minRecords, seed, agentPort, modelPort,
          new StopSignAttack.Settings(epsilon, d.step(), pgdSteps, d.margin(), d.batchSize()));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    return CommandRunner.runOnThread(spec, OrtEnvironments.STACK_BYTES, SaliencyFailures::isBadInput, () -> {
      DemoResult result;
      try (LogLevels quiet = LogLevels.lower(QUIET)) {
        result = new DemoScenario(settings, new Progress(err), Clock.systemUTC()).run();
      }
      return summary(spec.commandLine().getOut(), err, result, Duration.ofNanos(System.nanoTime() - started));
    });
  }

  /** The model-side signals of a window, when the run had them. */
  private static void signals(PrintWriter o, String window, dev.vigil.monitor.report.MonitorReport r) {
    dev.vigil.monitor.signals.InputSignals s = r.signals();
    if (s == null) {
      return;
    }
    o.printf(Locale.ROOT, "  %s signals: input drift MMD p = %s, BBSD p = %s (%d vs %d inputs);"
            + " %d of %d flagged samples likely adversarial%n", window, s.mmdPValue() == null ? "n/a"
            : String.format(Locale.ROOT, "%.3g", s.mmdPValue()), s.bbsdPValue() == null ? "n/a"
            : String.format(Locale.ROOT, "%.3g", s.bbsdPValue()), s.windowSample(), s.baselineSample(),
        s.likelyAdversarial(), s.screened());
  }

  private static int summary(PrintWriter o, PrintWriter err, DemoResult r, Duration elapsed) {
    StopSignAttack.Run a = r.attack();
    o.printf(Locale.ROOT, "vigil demo: done in %.1f s (stages:", elapsed.toMillis() / 1000.0);
    r.stageTimes().forEach((stage, took) -> o.printf(Locale.ROOT, " %s %.1f s", stage.substring(0, stage.indexOf('.')),
        took.toMillis() / 1000.0));
    o.println(")");
    o.printf(Locale.ROOT, "  attack        %d of %d non-Stop signs read as Stop (%.1f%%), L-inf mean %.2f/255,"
            + " max %d/255; %d answered Stop through the agent%n", a.successes(), a.images().size(),
        100 * a.successRate(), a.meanLinf(), a.maxLinf(), r.servedAsStop());
    o.printf(Locale.ROOT, "  clean window  %d records: %s%n", r.cleanReport().statistics().records(),
        r.cleanReport().violations().isEmpty() ? "no violations" : "violations " + DemoResult.codes(r.cleanReport()));
    o.printf(Locale.ROOT, "  attack window %d records:%n", r.attackReport().statistics().records());
    var before = r.attackBeforeLabels().statistics().groundTruth();
    var after = r.attackReport().statistics().groundTruth();
    if (before != null && after != null && after.accuracy() != null) {
      var stop = after.classOf(SignClass.STOP.label());
      o.printf(Locale.ROOT, "    before labels: estimated accuracy %s; with %d labels: accuracy %s (baseline %s),"
              + " Stop precision %s%n", pct(before.estimatedAccuracy()), after.labelled(), pct(after.accuracy()),
          pct(r.attackReport().baseline() == null || r.attackReport().baseline().groundTruth() == null ? null
              : r.attackReport().baseline().groundTruth().accuracy()),
          pct(stop == null ? null : stop.precision()));
    }
    for (Violation v : r.attackReport().violations()) {
      o.printf(Locale.ROOT, "    VIOLATION %s %s: value %.3f, limit %.3f%n", v.type().code(), v.featureName(),
          v.value(), v.limit());
    }
    signals(o, "clean window", r.cleanReport());
    signals(o, "attack window", r.attackReport());
    o.println("  files:");
    line(o, "config", r.config());
    line(o, "baseline", r.baselineDir());
    line(o, "email (.eml)", r.eml());
    line(o, "report.html", r.reportHtml());
    // A panel per sample (input, overlay, colour bar, top 5); the bare overlays lie beside them.
    r.heatmaps().stream().filter(p -> p.getFileName().toString().endsWith("-panel.png"))
        .forEach(p -> line(o, "heatmap", p));
    for (Path p : r.pairs()) {
      line(o, "pair", p);
    }
    for (Path p : r.charts()) {
      line(o, "chart", p);
    }
    o.flush();
    if (!r.succeeded(SignClass.STOP.index())) {
      err.println("vigil demo: the story did not hold: clean window " + DemoResult.codes(r.cleanReport())
          + " (expected none), attack window " + DemoResult.codes(r.attackReport())
          + " (expected class_share_exceeded for Stop and low_confidence), email " + (r.eml() == null ? "missing" : "sent"));
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    return ExitCodes.OK;
  }

  private static void line(PrintWriter o, String what, Path p) {
    o.printf(Locale.ROOT, "    %-13s %s%n", what, p == null ? "-" : p);
  }

  /**
   * Loggers lowered while the demo draws its progress bars: INFO lines and the embedded broker's
   * start-up warnings would break them.
   */
  private static final Map<String, String> QUIET = Map.of("dev.vigil", "WARN", "dev.vigil.stack.kafka", "ERROR",
      "kafka", "ERROR", "org.apache.kafka", "ERROR");

  /** Stages as numbered lines, details indented, steps as bars. */
  private static final class Progress implements DemoListener {
    private final PrintWriter err;
    private final ProgressBar bar;

    Progress(PrintWriter err) {
      this.err = err;
      this.bar = new ProgressBar(err, BAR_WIDTH);
    }

    @Override
    public void stage(int number, int total, String description) {
      synchronized (bar) {
        bar.end();
        err.println("[" + number + "/" + total + "] " + description);
        err.flush();
      }
    }

    @Override
    public void progress(String what, int done, int total) {
      bar.update("      " + what, done, total);
    }

    @Override
    public void detail(String line) {
      synchronized (bar) {
        bar.end();
        err.println("      " + line);
        err.flush();
      }
    }
  }

  /** {@code vigil demo generate}: a labelled folder of synthetic sign images. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Render a class-balanced set of synthetic 64x64 German traffic-sign images "
            + "(25 GTSRB-like classes, Stop = 14) into DIR: NNNNNN-CC.png per image, "
            + "labels.txt (one class name per line, line number = class index), index.csv "
            + "(file,label,labelName,imageSeed) and contact-sheet.png.",
        "The same --seed and --dataset-seed always give the same bytes."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:images written", "1:DIR could not be written", "2:bad option"})
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Folder to write into (created if missing).")
    Path out;

    @Option(names = "--per-class", defaultValue = "20", paramLabel = "N",
        description = "Images per class (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "SEED",
        description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset-seed", defaultValue = "1", paramLabel = "SEED",
        description = "Data-set seed: use different ones for training and held-out sets "
            + "(default: ${DEFAULT-VALUE}).")
    long datasetSeed;

    @Override
    public Integer call() throws IOException {
      if (perClass < 1 || perClass > 10_000) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--per-class must be 1..10000, got " + perClass);
      }
      PrintWriter stdout = spec.commandLine().getOut();
      ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), BAR_WIDTH);
      SignGenerator generator = new SignGenerator(seed);
      int total = perClass * generator.classCount();
      List<SignSample> samples = generator.dataset(perClass, datasetSeed, done -> bar.update("rendering", done, total));
      bar.end();
      SignImages.exportDataset(samples, out);
      List<BufferedImage> sheet = new ArrayList<>();
      for (int c = 0; c < generator.classCount(); c++) {
        sheet.add(generator.renderTemplate(c));
      }
      for (SignSample s : samples.subList(0, Math.min(samples.size(), 75))) {
        sheet.add(s.image());
      }
      Path sheetFile = out.resolve("contact-sheet.png");
      SignImages.writePng(SignImages.contactSheet(sheet, 25, 2), sheetFile);
      stdout.println("vigil demo generate: " + total + " images of " + generator.classCount()
          + " classes in " + out.toAbsolutePath() + " (labels.txt, index.csv, " + sheetFile.getFileName()
          + ": first row = one clean template per class)");
      stdout.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code vigil demo serve}: the demo model server, until SIGTERM. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Serve an ONNX image classifier over HTTP until Ctrl-C or SIGTERM: POST an image "
            + "(PNG/JPEG) to /predict or /v1/models/NAME:predict and get "
            + "{\"predictions\":[{\"label\",\"class\",\"score\"}...top-k],\"probabilities\":[...]}.",
        "The model takes float32 [N,3,H,W] with pixels scaled to 0..1 and returns one logit per class."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:stopped by a signal", "1:the model could not be loaded or the port bound",
        "2:bad option, missing model or labels file"
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
        description = "The .onnx classifier (default: the demo's trained traffic-sign model, shipped in "
            + "vigil.jar).")
    Path model;

    @Option(names = "--labels", paramLabel = "FILE",
        description = "Labels file, one per line, line number = class index "
            + "(default: the demo's 25 traffic-sign classes).")
    Path labels;

    @Option(names = "--host", defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--name", paramLabel = "NAME",
        description = "Model name in /v1/models/NAME:predict (default: the file name without .onnx).")
    String name;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K",
        description = "Predictions listed per response (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--workers", paramLabel = "N",
        description = "Inference threads (default: one per processor).")
    Integer workers;

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** Stops a running {@code serve} as SIGTERM would (tests, embedding). */
    void requestStop() {
      stopRequested.countDown();
    }

    @Option(names = "--max-body-bytes", defaultValue = "10485760", paramLabel = "BYTES",
        description = "Largest accepted image, larger gets 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Override
    public Integer call() throws Exception {
      if (model != null && !Files.isRegularFile(model)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--model " + model + " does not exist: pass the path of an .onnx file");
      }
      Path served = model;
      if (served == null) {
        served = Files.createTempFile("vigil-demo-model-", ".onnx");
        served.toFile().deleteOnExit();
        DemoModel.writeTo(served);
      }
      List<String> labelList = SignClass.labels();
      if (labels != null) {
        if (!Files.isRegularFile(labels)) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--labels " + labels + " does not exist: pass a file with one label per line");
        }
        try {
          labelList = Labels.read(labels).names();
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--labels: " + e.getMessage());
        }
      }
      ModelServer.Builder builder;
      try {
        builder = ModelServer.builder(served, labelList).host(host).port(port).topK(topK)
            .maxBodyBytes(maxBodyBytes);
        if (name != null) {
          builder.modelName(name);
        } else if (model == null) {
          builder.modelName("traffic-signs"); // not the temporary file's name
        }
        if (workers != null) {
          builder.workerThreads(workers);
        }
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      ModelServer server = builder.start();
      CountDownLatch closed = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        requestStop();
        try {
          closed.await(30, TimeUnit.SECONDS); // let in-flight predictions finish before the JVM goes
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "vigil-demo-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      PrintWriter out = spec.commandLine().getOut();
      out.println("vigil demo serve: model '" + server.modelName() + "' (" + labelList.size()
          + " classes) on http://" + host + ":" + server.port() + "/predict; Ctrl-C or SIGTERM stops it");
      out.flush();
      try {
        stopRequested.await();
      } finally {
        server.close();
        closed.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is what stopped us
        }
      }
      out.println("vigil demo serve: stopped");
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static String pct(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
