package dev.vigil.cli;

import ai.onnxruntime.OrtException;
import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.cli.support.BadInput;
import dev.vigil.cli.support.CommandRunner;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.LogLevels;
import dev.vigil.cli.support.ProgressBar;
import dev.vigil.config.ChannelOrder;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyFailures;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import dev.vigil.saliency.image.ModelInput;
import dev.vigil.saliency.image.PreparedImage;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.image.Region;
import dev.vigil.saliency.render.HeatmapRenderer;
import dev.vigil.saliency.sanity.ModelRandomization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil saliency}: FullGrad maps for one input file, and the model-randomisation sanity
 * check ({@code vigil saliency sanity}).
 *
 * <p>Contract (scripts rely on it): exit 0 with one line per image on stdout; exit 2 and one line
 * on stderr for any bad input (model missing or not ONNX, unsupported op, bad {@code .npy},
 * broken image, class out of range, bad flags); exit 1 and one line for a runtime failure.
 */
@Command(
    name = "saliency",
    mixinStandardHelpOptions = true,
    subcommands = {SaliencyCommand.Sanity.class},
    description = {
      "FullGrad saliency maps for an ONNX image classifier.",
      "INPUT is a float32 N x C x H x W .npy tensor (already pre-processed), a JSON nested array"
          + " [N][C][H][W] or [C][H][W], or a PNG/JPEG image, which is then pre-processed from"
          + " --width/--height/... or from --config FILE --endpoint NAME.",
      "Prints per image: the predicted class, its confidence and the class explained."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:maps computed",
      "1:runtime failure (ONNX Runtime, writing outputs)",
      "2:bad input or usage (model, input file, class, flags, configuration)"
    })
final class SaliencyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions modelOptions;
  @Mixin InputOptions inputOptions;

  @Option(
      names = "--out-npy",
      paramLabel = "OUT.npy",
      description = "Write the raw FullGrad maps, float32 N x 1 x H x W, no display scaling.")
  Path outNpy;

  @Option(
      names = "--out-png",
      paramLabel = "OUT.png",
      description =
          "Write heatmap overlay(s): over the original image for image inputs, the colormapped"
              + " map alone for tensor inputs. N > 1 writes OUT-0.png, OUT-1.png, ...")
  Path outPng;

  @Option(
      names = "--panel",
      description =
          "With --out-png and an image input: also write OUT-panel.png (input | overlay |"
              + " colour bar | top-5 classes).")
  boolean panel;

  @Override
  public Integer call() {
    return onOrtThread(spec, this::explain);
  }

  private int explain() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Setup setup = Setup.resolve(modelOptions, inputOptions);
    ModelInput input = setup.load(inputOptions.input);
    SaliencyResult result;
    try (FullGradExplainer explainer = setup.open()) {
      result = setup.explain(explainer, input);
    }
    for (int i = 0; i < result.n(); i++) {
      float[] p = result.probabilities(i);
      int predicted = argmax(p);
      out.printf(
          Locale.ROOT,
          "item %d: predicted %d (%s) confidence %.4f; explained class %d%n",
          i,
          predicted,
          setup.labels.name(predicted),
          p[predicted],
          result.targets()[i]);
    }
    out.flush();
    try {
      if (outNpy != null) {
        Npy.write(outNpy, result.mapsTensor());
      }
      if (outPng != null) {
        writePngs(input, result, setup.labels);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    return ExitCodes.OK;
  }

  private void writePngs(ModelInput input, SaliencyResult result, Labels labels) {
    HeatmapRenderer renderer = HeatmapRenderer.defaults();
    for (int i = 0; i < result.n(); i++) {
      Path file = result.n() == 1 ? outPng : numbered(outPng, "-" + i);
      float[] map = result.map(i);
      if (input.hasImages()) {
        PreparedImage prepared = input.images().get(i);
        BufferedImage original = prepared.original().image();
        BufferedImage overlay =
            renderer.overlay(original, map, result.h(), result.w(), prepared.region());
        HeatmapRenderer.writePng(overlay, file);
        if (panel) {
          List<ClassScore> top = ClassScore.top(result.probabilities(i), 5, labels);
          String title =
              prepared.original().name() + ": FullGrad for " + labels.name(result.targets()[i]);
          HeatmapRenderer.writePng(
              renderer.panel(original, overlay, top, title), numbered(file, "-panel"));
        }
      } else {
        // No original image behind a tensor: show the colormapped map itself.
        BufferedImage black =
            new BufferedImage(result.w(), result.h(), BufferedImage.TYPE_INT_RGB);
        HeatmapRenderer.writePng(
            new HeatmapRenderer(1.0, HeatmapRenderer.DEFAULT_TILE_HEIGHT)
                .overlay(black, map, result.h(), result.w(), Region.whole(result.w(), result.h())),
            file);
      }
    }
  }

  /** {@code dir/name-0.png} for {@code dir/name.png} and suffix {@code -0}. */
  static Path numbered(Path file, String suffix) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : ".png";
    return file.resolveSibling(stem + suffix + ext);
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Runs a saliency command's body on a thread with ONNX Runtime's stack: bad input (a broken image,
   * a model ONNX Runtime rejects, bad flags) exits 2, anything else 1, always one line on stderr.
   * Saliency's INFO progress logs (graph built in N ms) are lowered to WARN unless
   * {@code VIGIL_LOG_LEVEL} asks for them; warnings (e.g. the CUDA fallback reason) still show.
   */
  static int onOrtThread(CommandSpec spec, CommandRunner.Body body) {
    try (LogLevels quiet = LogLevels.lower(Map.of("dev.vigil.saliency", "WARN"))) {
      return CommandRunner.runOnThread(spec, OrtEnvironments.STACK_BYTES, SaliencyFailures::isBadInput, body);
    }
  }

  /** Model and runtime flags shared by both commands. */
  static final class ModelOptions {
    @Option(
        names = "--model",
        paramLabel = "M.onnx",
        description = "The ONNX image classifier (default: saliency.model of --config).")
    Path model;

    @Option(
        names = "--device",
        paramLabel = "cpu|cuda",
        description =
            "Where ONNX Runtime runs (default: cpu, or saliency.device of --config); cuda falls"
                + " back to cpu with a reason.")
    String device;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description = "ONNX Runtime intra-op threads (default: 2, or saliency.intraOpThreads).")
    String threads;

    @Option(
        names = "--batch-size",
        paramLabel = "N",
        description = "Images per run (default: 16, or saliency.batchSize).")
    String batchSize;
  }

  /** Input, target and pre-processing flags shared by both commands. */
  static final class InputOptions {
    @Option(
        names = "--input",
        paramLabel = "X",
        description = "Input: .npy tensor, JSON nested array, or PNG/JPEG image.")
    Path input;

    @Option(
        names = "--class",
        paramLabel = "C",
        description = "Explain class C for every image (default: each image's predicted class).")
    String targetClass;

    @Option(
        names = "--labels",
        paramLabel = "FILE",
        description = "Class names, one per line (default: the endpoint's labels of --config).")
    Path labels;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "Vigil YAML: pre-processing and labels of --endpoint, saliency settings.")
    Path config;

    @Option(
        names = "--endpoint",
        paramLabel = "NAME",
        description = "Endpoint of --config whose pre-processing applies (default: the only one).")
    String endpoint;

    @Option(names = "--width", paramLabel = "W", description = "Model input width (images).")
    String width;

    @Option(names = "--height", paramLabel = "H", description = "Model input height (images).")
    String height;

    @Option(
        names = "--resize",
        paramLabel = "MODE",
        description = "stretch | center-crop | shorter-side-center-crop (default: stretch).")
    String resize;

    @Option(
        names = "--mean",
        paramLabel = "M,M,M",
        description = "Per-channel mean, tensor order (default: 0.485,0.456,0.406).")
    String mean;

    @Option(
        names = "--std",
        paramLabel = "S,S,S",
        description = "Per-channel std, tensor order (default: 0.229,0.224,0.225).")
    String std;

    @Option(
        names = "--scale",
        paramLabel = "S",
        description = "Pixel values are divided by S first (default: 255).")
    String scale;

    @Option(names = "--bgr", description = "The model wants BGR channel order.")
    boolean bgr;
  }

  /** Flags and configuration resolved into what a run needs. */
  static final class Setup {
    final Path model;
    final SaliencyOptions options;
    final Preprocessor preprocessor;
    final Labels labels;
    final Integer targetClass;

    private Setup(
        Path model,
        SaliencyOptions options,
        Preprocessor preprocessor,
        Labels labels,
        Integer targetClass) {
      this.model = model;
      this.options = options;
      this.preprocessor = preprocessor;
      this.labels = labels;
      this.targetClass = targetClass;
    }

    static Setup resolve(ModelOptions m, InputOptions in) {
      if (in.input == null) {
        throw new BadInput("--input is required: a .npy tensor, a JSON array or a PNG/JPEG image");
      }
      VigilConfig config = in.config == null ? null : ConfigLoader.load(in.config);
      EndpointConfig endpoint = config == null ? null : endpoint(config, in);
      Path model = m.model != null ? m.model : config == null ? null : config.saliency().model();
      if (model == null) {
        throw new BadInput("--model is required (or saliency.model in --config)");
      }
      if (!Files.isRegularFile(model)) {
        throw new BadInput("model " + model + " does not exist");
      }
      SaliencyOptions options = SaliencyOptions.DEFAULTS;
      if (config != null) {
        options =
            new SaliencyOptions(
                config.saliency().device().configName(),
                config.saliency().intraOpThreads(),
                config.saliency().batchSize());
      }
      if (m.device != null) {
        options = options.withDevice(m.device.toLowerCase(Locale.ROOT));
      }
      if (m.threads != null) {
        options = options.withIntraOpThreads(BadInput.integer("--threads", m.threads));
      }
      if (m.batchSize != null) {
        options = options.withBatchSize(BadInput.integer("--batch-size", m.batchSize));
      }
      Labels labels = Labels.none();
      if (in.labels != null) {
        labels = Labels.read(in.labels);
      } else if (endpoint != null && endpoint.labels() != null) {
        labels = Labels.read(endpoint.labels());
      }
      Integer target = in.targetClass == null ? null : BadInput.integer("--class", in.targetClass);
      if (target != null && target < 0) {
        throw new BadInput("--class " + target + " must be a class index, 0 or more");
      }
      return new Setup(model, options, preprocessor(in, endpoint), labels, target);
    }

    private static EndpointConfig endpoint(VigilConfig config, InputOptions in) {
      if (in.endpoint != null) {
        return config
            .endpoint(in.endpoint)
            .orElseThrow(
                () ->
                    new BadInput(
                        "endpoint '" + in.endpoint + "' is not in " + in.config + " (it has "
                            + names(config) + ")"));
      }
      if (config.endpoints().size() == 1) {
        return config.endpoints().get(0);
      }
      throw new BadInput(
          in.config + " has " + config.endpoints().size() + " endpoints (" + names(config)
              + "): choose one with --endpoint");
    }

    private static String names(VigilConfig config) {
      return config.endpoints().stream().map(EndpointConfig::name).collect(Collectors.joining(", "));
    }

    private static Preprocessor preprocessor(InputOptions in, EndpointConfig endpoint) {
      boolean flags =
          in.width != null || in.height != null || in.resize != null || in.mean != null
              || in.std != null || in.scale != null || in.bgr;
      if (endpoint != null && endpoint.preprocessing() != null && !flags) {
        return new Preprocessor(Preprocessing.from(endpoint.preprocessing()));
      }
      if (!flags) {
        return null;
      }
      if (in.width == null || in.height == null) {
        throw new BadInput("--width and --height are both needed to pre-process an image");
      }
      int width = BadInput.integer("--width", in.width);
      int height = BadInput.integer("--height", in.height);
      Preprocessing imagenet = Preprocessing.imagenet(Math.max(1, width), Math.max(1, height));
      return new Preprocessor(
          new Preprocessing(
              width,
              height,
              in.resize == null ? imagenet.resize() : Preprocessing.parseResize(in.resize),
              in.bgr ? ChannelOrder.BGR : ChannelOrder.RGB,
              in.scale == null ? imagenet.scale() : BadInput.number("--scale", in.scale),
              in.mean == null ? imagenet.mean() : BadInput.numbers("--mean", in.mean),
              in.std == null ? imagenet.std() : BadInput.numbers("--std", in.std)));
    }

    ModelInput load(Path input) {
      return ModelInput.load(input, preprocessor);
    }

    FullGradExplainer open() throws OrtException {
      try {
        return FullGradExplainer.open(model, options);
      } catch (IOException e) {
        throw new BadInput(e.getMessage(), e);
      }
    }

    int[] targets(int n) {
      if (targetClass == null) {
        return null;
      }
      int[] t = new int[n];
      Arrays.fill(t, targetClass);
      return t;
    }

    SaliencyResult explain(FullGradExplainer explainer, ModelInput input) throws OrtException {
      return explainer.explain(input.tensor(), targets(input.tensor().n()));
    }
  }

  /**
   * {@code vigil saliency sanity}: Adebayo et al. (2018) cascading model randomisation.
   */
  @Command(
      name = "sanity",
      mixinStandardHelpOptions = true,
      description = {
        "Sanity check of the maps (Adebayo et al., NeurIPS 2018, cascading model randomisation):"
            + " re-randomises the weights layer by layer from the top (seeded), recomputes the"
            + " maps and prints their Spearman rank correlation with the original maps per step.",
        "Maps that depend on the model fall towards 0; maps that stay near 1 explain the input,"
            + " not the model."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:check done", "1:runtime failure", "2:bad input or usage"})
  static final class Sanity implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions inputOptions;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the weight draws (default: 42).")
    String seed = "42";

    @Option(
        names = "--layers",
        paramLabel = "K",
        description = "Randomise at most K layers from the top (default: all).")
    String layers;

    @Override
    public Integer call() {
      return onOrtThread(spec, this::check);
    }

    private int check() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int maxLayers = layers == null ? Integer.MAX_VALUE : BadInput.integer("--layers", layers);
      if (maxLayers < 1) {
        throw new BadInput("--layers must be at least 1, got " + maxLayers);
      }
      long seedValue;
      try {
        seedValue = Long.parseLong(seed.strip());
      } catch (NumberFormatException e) {
        throw new BadInput("--seed '" + seed + "' is not a whole number");
      }
      Setup setup = Setup.resolve(modelOptions, inputOptions);
      ModelInput input = setup.load(inputOptions.input);
      Path work = Files.createTempDirectory("vigil-sanity-");
      ModelRandomization.Report report;
      ProgressBar bar = new ProgressBar(err, 30);
      try {
        ModelRandomization check = new ModelRandomization(setup.model, setup.options, seedValue);
        report =
            check.run(
                input.tensor(),
                setup.targets(input.tensor().n()),
                maxLayers,
                work,
                (done, total, step) -> bar.update("", done, total, step.layer().node()));
        bar.end();
      } catch (IOException e) {
        throw new BadInput(e.getMessage(), e);
      } finally {
        Files.deleteIfExists(work);
      }
      out.printf(
          Locale.ROOT,
          "model %s, %d image(s), classes %s, seed %d%n",
          setup.model,
          input.tensor().n(),
          Arrays.toString(report.targets()),
          seedValue);
      int nameWidth = 5;
      for (ModelRandomization.Step s : report.steps()) {
        nameWidth = Math.max(nameWidth, s.layer().node().length());
      }
      String row = "%-5s %-" + nameWidth + "s %-20s %s%n";
      out.printf(Locale.ROOT, row, "step", "layer", "op", "spearman");
      for (ModelRandomization.Step s : report.steps()) {
        out.printf(
            Locale.ROOT,
            "%-5d %-" + nameWidth + "s %-20s %.4f%n",
            s.index() + 1,
            s.layer().node(),
            s.layer().opType(),
            s.meanSpearman());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
