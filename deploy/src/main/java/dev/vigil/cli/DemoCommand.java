package dev.vigil.cli;

import dev.vigil.demo.server.ModelServer;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.signs.SignSample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil demo}: the traffic-sign demo's building blocks. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The traffic-sign demo: generate synthetic sign images, serve an ONNX classifier.",
    subcommands = {DemoCommand.Generate.class, DemoCommand.Serve.class})
final class DemoCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: use 'vigil demo generate' or 'vigil demo serve'");
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
    private static final int BAR_WIDTH = 40;

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
      PrintWriter err = spec.commandLine().getErr();
      SignGenerator generator = new SignGenerator(seed);
      int total = perClass * generator.classCount();
      AtomicInteger shown = new AtomicInteger(-1);
      List<SignSample> samples = generator.dataset(perClass, datasetSeed, done -> {
        int step = (int) ((long) done * BAR_WIDTH / total);
        synchronized (shown) { // called from the rendering threads: redraw once per step
          if (step > shown.get()) {
            shown.set(step);
            err.print("\rrendering [" + "#".repeat(step) + ".".repeat(BAR_WIDTH - step) + "] "
                + done + "/" + total);
            err.flush();
          }
        }
      });
      err.println();
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
      return VigilCli.EXIT_OK;
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

    @Option(names = "--model", required = true, paramLabel = "FILE",
        description = "The .onnx classifier.")
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

    @Option(names = "--max-body-bytes", defaultValue = "10485760", paramLabel = "BYTES",
        description = "Largest accepted image, larger gets 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(model)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--model " + model + " does not exist: pass the path of an .onnx file");
      }
      List<String> labelList = SignClass.labels();
      if (labels != null) {
        if (!Files.isRegularFile(labels)) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--labels " + labels + " does not exist: pass a file with one label per line");
        }
        labelList = Files.readAllLines(labels, StandardCharsets.UTF_8).stream()
            .map(String::strip).toList();
        int end = labelList.size();
        while (end > 0 && labelList.get(end - 1).isEmpty()) {
          end--; // trailing blank lines are not classes
        }
        labelList = labelList.subList(0, end);
      }
      ModelServer.Builder builder;
      try {
        builder = ModelServer.builder(model, labelList).host(host).port(port).topK(topK)
            .maxBodyBytes(maxBodyBytes);
        if (name != null) {
          builder.modelName(name);
        }
        if (workers != null) {
          builder.workerThreads(workers);
        }
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      ModelServer server = builder.start();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } finally {
          stopped.countDown();
        }
      }, "vigil-demo-serve-shutdown"));
      PrintWriter out = spec.commandLine().getOut();
      out.println("vigil demo serve: model '" + server.modelName() + "' (" + labelList.size()
          + " classes) on http://" + host + ":" + server.port() + "/predict; Ctrl-C or SIGTERM stops it");
      out.flush();
      stopped.await();
      return VigilCli.EXIT_OK;
    }
  }
}
